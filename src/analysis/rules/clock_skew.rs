//! `clock-skew`: a station payload timestamp before 2010, later than the
//! log's own time by more than the skew threshold, or earlier by more than
//! that where queueing after an outage or a clock-aligned sample does not
//! explain it.

use super::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, LogStore, MsgIdx, Sym, NO_TIME};

pub struct ClockSkew;

/// 2010-01-01T00:00:00Z
const YEAR_2010_MS: i64 = 1_262_304_000_000;
/// A clock-aligned sample carries the start of its interval (up to an hour is common).
const CLOCK_ALIGNED_ALLOWANCE_MS: i64 = 3_600_000;

const TIMED: [&str; 5] =
    ["StartTransaction", "StopTransaction", "StatusNotification", "MeterValues", "SecurityEventNotification"];

/// The station sent nothing between shortly after the payload time and
/// shortly before message `i`: it was offline and queued the message.
/// Timed messages are in time order, so walking the station's messages back
/// from `i` meets the times in question first and stops at the payload time.
fn queued(store: &LogStore, i: MsgIdx, payload: i64, logged: i64) -> bool {
    let (after, before) = (payload + 60_000, logged - 120_000);
    let Some(list) = store.index.by_station.get(&store.msg(i).station) else { return true };
    let pos = list.partition_point(|&j| j < i);
    for &j in list[..pos].iter().rev() {
        let m = store.msg(j);
        if m.dir != Direction::CpToCs || m.at == NO_TIME {
            continue;
        }
        if m.at <= after {
            return true;
        }
        if m.at < before {
            return false;
        }
    }
    true
}

impl Rule for ClockSkew {
    fn id(&self) -> &'static str {
        "clock-skew"
    }

    fn cost(&self) -> u32 {
        10
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let skew = ctx.thresholds.skew_s * 1000;
        let timed: Vec<Sym> = TIMED.iter().filter_map(|a| store.strings.find(a)).collect();
        // one pass over all messages: MeterValues alone are a large share of
        // the log, and reading it in order is faster than following the
        // action lists
        for (i, m) in store.messages.iter().enumerate() {
            if m.kind != MsgKind::Call || !timed.contains(&m.action) {
                continue;
            }
            let i = MsgIdx(i as u32);
            let payload = store.facts(i).time;
            if m.at == NO_TIME || payload == NO_TIME || m.dir == Direction::CsToCp {
                continue;
            }
            let offset = payload - m.at;
            let before_2010 = payload < YEAR_2010_MS;
            let flagged = if before_2010 || offset > skew {
                true
            } else if offset < -skew {
                let clock_aligned = store.readings(i).iter().any(|r| r.clock_aligned);
                let explained_by_sample = clock_aligned && -offset <= skew + CLOCK_ALIGNED_ALLOWANCE_MS;
                !explained_by_sample && !queued(store, i, payload, m.at)
            } else {
                false
            };
            if flagged {
                let w = text::clock_skew(store.str(m.action), offset / 1000, before_2010, false);
                out.push(about(store, self.id(), Severity::Warning, i, w));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    fn status(t: &str, id: &str, payload: &str) -> String {
        format!(
            r#"{t} <- [2,"{id}","StatusNotification",{{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"{payload}"}}]"#
        )
    }

    #[test]
    fn fires_on_1970_future_and_unexplained_past() {
        let lines = [
            status("10:00:00", "n1", "1970-01-01T00:00:10Z"),
            status("10:01:00", "n2", "2025-01-01T12:01:00Z"),
            status("10:02:00", "h0", "2025-01-01T10:02:00Z"),
            status("10:30:00", "n3", "2025-01-01T08:30:00Z"),
        ];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let f = findings(&s, "clock-skew");
        assert_eq!(ids(&s, &f), vec![vec!["n1"], vec!["n2"], vec!["n3"]]);
        assert!(f[0].explanation.contains("never set"));
        assert!(f[1].explanation.contains("time-zone"), "{}", f[1].explanation);
    }

    #[test]
    fn near_miss_small_offset_and_queued_after_outage() {
        let lines = [
            status("10:00:00", "n1", "2025-01-01T10:03:00Z"),
            // silent from 10:05 to 11:00, then a queued message from 10:06
            status("10:05:00", "n2", "2025-01-01T10:05:00Z"),
            status("11:00:05", "n3", "2025-01-01T10:06:00Z"),
        ];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(findings(&s, "clock-skew").is_empty());
    }
}
