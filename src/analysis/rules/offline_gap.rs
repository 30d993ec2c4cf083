//! `offline-gap`: a station silent far longer than its heartbeat interval.
//!
//! Only what the station sends proves it is alive (its requests and its
//! answers). The silence limit is max(3 × heartbeat interval, the silence
//! threshold); the interval is the one of the last accepted boot or
//! HeartbeatInterval change, else the median Heartbeat spacing, else 15 min.

use super::{is_call_sym, log_span, StationSlots};
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, LogStore, MsgIdx, Sym, NO_INT, NO_TIME};
use std::collections::BTreeMap;

pub struct OfflineGap;

const FALLBACK_HEARTBEAT_S: i64 = 15 * 60;

/// The symbols this rule compares with, looked up once: walking every
/// message of a station then compares numbers, not texts.
struct Names {
    heartbeat: Option<Sym>,
    boot: Option<Sym>,
    change_configuration: Option<Sym>,
    accepted: Option<Sym>,
}

impl Names {
    fn of(store: &LogStore) -> Names {
        let find = |s| store.strings.find(s);
        Names {
            heartbeat: find("Heartbeat"),
            boot: find("BootNotification"),
            change_configuration: find("ChangeConfiguration"),
            accepted: find("Accepted"),
        }
    }
}

/// A heartbeat interval this message sets, if any.
fn interval_set_by(store: &LogStore, names: &Names, i: MsgIdx) -> Option<i64> {
    let m = store.msg(i);
    // only an accepted answer to a boot or a configuration change sets one
    let action = Some(m.action);
    if m.kind != MsgKind::Result || (action != names.boot && action != names.change_configuration) {
        return None;
    }
    if Some(store.facts(i).status) != names.accepted {
        return None;
    }
    let call = m.pair.opt()?;
    let f = store.facts(call);
    let value = if action == names.boot {
        store.facts(i).value
    } else if store.str(f.key).eq_ignore_ascii_case("HeartbeatInterval") {
        f.value
    } else {
        return None;
    };
    (value != NO_INT && value > 0).then_some(value)
}

fn came_back_with(store: &LogStore, first_after: MsgIdx, gap_start: i64) -> &'static str {
    let action = store.action_name(first_after);
    match action {
        "BootNotification" => "BootNotification",
        "StartTransaction" | "StopTransaction" | "MeterValues" => {
            let t = store.facts(first_after).time;
            if t != NO_TIME && t <= gap_start + 60_000 {
                "queued"
            } else {
                "other"
            }
        }
        _ => "other",
    }
}

/// What the first pass over the messages learns about one station.
#[derive(Default)]
struct Seen {
    /// Spacing of the Heartbeats it sent, in seconds, with how often each
    /// occurs: heartbeats are regular, so there are few distinct values.
    gaps: BTreeMap<i64, usize>,
    last_own_heartbeat: Option<i64>,
    /// Last log time of a Heartbeat (either way) and of any message.
    last_heartbeat: Option<i64>,
    last_timed: Option<i64>,
}

impl Seen {
    fn median_gap(&self) -> Option<i64> {
        let count: usize = self.gaps.values().sum();
        if count < 3 {
            return None;
        }
        let mut below = 0;
        for (&gap, &n) in &self.gaps {
            below += n;
            if below > count / 2 {
                return Some(gap);
            }
        }
        None
    }
}

fn first_pass(store: &LogStore, names: &Names, slots: &StationSlots) -> Vec<Seen> {
    let mut seen: Vec<Seen> = (0..slots.stations.len()).map(|_| Seen::default()).collect();
    for (i, m) in store.messages.iter().enumerate() {
        if m.at == NO_TIME {
            continue;
        }
        let s = &mut seen[slots.slot(m.station)];
        s.last_timed = Some(m.at);
        if !is_call_sym(store, MsgIdx(i as u32), names.heartbeat) {
            continue;
        }
        s.last_heartbeat = Some(m.at);
        if m.dir == Direction::CpToCs {
            if let Some(prev) = s.last_own_heartbeat {
                let gap = (m.at - prev) / 1000;
                if gap > 0 {
                    *s.gaps.entry(gap).or_default() += 1;
                }
            }
            s.last_own_heartbeat = Some(m.at);
        }
    }
    seen
}

/// Where the log ends for the stations in it: the median of their last
/// Heartbeat (their last activity when they send none), so that one
/// station's late traffic does not make the others look silent, and a
/// silence that begins after most stations stopped is not judged.
fn common_end(seen: &[Seen]) -> i64 {
    let mut ends: Vec<i64> = seen.iter().filter_map(|s| s.last_heartbeat.or(s.last_timed)).collect();
    ends.sort_unstable();
    ends.get(ends.len() / 2).copied().unwrap_or(NO_TIME)
}

/// A station while the second pass walks the log.
struct Walk {
    heartbeat: i64,
    /// The last message it sent, with its log time.
    last_own: Option<(MsgIdx, i64)>,
}

impl Rule for OfflineGap {
    fn id(&self) -> &'static str {
        "offline-gap"
    }

    fn cost(&self) -> u32 {
        20
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        if log_span(store).is_none() {
            return;
        }
        let names = Names::of(store);
        let slots = StationSlots::of(store);
        // two passes in message order (per-station state in slots): the
        // first learns the heartbeat spacing the second needs from the start
        let seen = first_pass(store, &names, &slots);
        let common_end = common_end(&seen);
        let limit = |hb: i64| (3 * hb).max(ctx.thresholds.silence_s) * 1000;
        let push = |out: &mut Vec<Finding>, evidence: Vec<MsgIdx>, silence_ms: i64, hb: i64, after, open| {
            let w = text::offline_gap(silence_ms / 1000, limit(hb) / 1000, after, open);
            out.push(Finding {
                rule: "offline-gap",
                severity: Severity::Error,
                station: store.str(store.msg(evidence[0]).station).to_string(),
                connector: None,
                transaction: None,
                at: store.msg(evidence[0]).time(),
                evidence,
                extra_lines: Vec::new(),
                title: w.title,
                explanation: w.explanation,
                advice: w.advice,
            });
        };
        let mut walks: Vec<Walk> = seen
            .iter()
            .map(|s| Walk { heartbeat: s.median_gap().unwrap_or(FALLBACK_HEARTBEAT_S), last_own: None })
            .collect();
        // the interval comes from answers either way; silence is measured on what the station sent
        for (i, m) in store.messages.iter().enumerate() {
            let i = MsgIdx(i as u32);
            let w = &mut walks[slots.slot(m.station)];
            if let Some(hb) = interval_set_by(store, &names, i) {
                w.heartbeat = hb;
            }
            if m.dir != Direction::CpToCs || m.at == NO_TIME {
                continue;
            }
            if let Some((a, a_at)) = w.last_own {
                let silence = m.at - a_at;
                if silence > limit(w.heartbeat) && a_at <= common_end {
                    let after = came_back_with(store, i, a_at);
                    push(out, vec![a, i], silence, w.heartbeat, Some(after), false);
                }
            }
            w.last_own = Some((i, m.at));
        }
        for (w, s) in walks.iter().zip(&seen) {
            let Some((last, last_at)) = w.last_own else { continue };
            // the station's own end: the log's common end, or later when the back end kept calling it
            let last_any = s.last_timed.unwrap_or(NO_TIME);
            let silence = common_end.max(last_any) - last_at;
            if silence > limit(w.heartbeat) {
                push(out, vec![last], silence, w.heartbeat, None, true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::Thresholds;
    use crate::testutil::{findings, findings_with, ids, log};

    fn boot_then(lines: &[&str]) -> crate::store::LogStore {
        let mut all = vec![
            r#"10:00:00 <- [2,"b1","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:00:01 -> [3,"b1",{"status":"Accepted","currentTime":"2025-01-01T10:00:01Z","interval":300}]"#,
        ];
        all.extend_from_slice(lines);
        log(&all)
    }

    #[test]
    fn fires_past_three_heartbeats_and_names_both_sides() {
        let s = boot_then(&[
            r#"10:05:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:05:01 -> [3,"h1",{"currentTime":"2025-01-01T10:05:01Z"}]"#,
            r#"10:30:02 <- [2,"b2","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}]"#,
            r#"10:30:03 -> [3,"b2",{"status":"Accepted","currentTime":"2025-01-01T10:30:03Z","interval":300}]"#,
        ]);
        let f = findings(&s, "offline-gap");
        assert_eq!(ids(&s, &f), vec![vec!["h1", "b2"]]);
        assert!(f[0].explanation.contains("restarted"));
    }

    #[test]
    fn near_miss_within_the_limit_and_back_end_calls_do_not_count() {
        let s = boot_then(&[
            r#"10:05:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"10:05:01 -> [3,"h1",{"currentTime":"2025-01-01T10:05:01Z"}]"#,
            r#"10:10:00 -> [2,"g1","GetConfiguration",{}]"#,
            r#"10:19:59 <- [2,"h2","Heartbeat",{}]"#,
            r#"10:20:00 -> [3,"h2",{"currentTime":"2025-01-01T10:20:00Z"}]"#,
        ]);
        assert!(findings(&s, "offline-gap").is_empty());
        // a longer silence threshold wins over 3 x heartbeat
        let s = boot_then(&[r#"10:05:00 <- [2,"h1","Heartbeat",{}]"#, r#"10:25:00 <- [2,"h2","Heartbeat",{}]"#]);
        assert_eq!(findings(&s, "offline-gap").len(), 1);
        let th = Thresholds { silence_s: 3600, ..Thresholds::default() };
        assert!(findings_with(&s, "offline-gap", th).is_empty());
    }

    #[test]
    fn open_ended_silence_at_the_end() {
        let s = log(&[
            r#"CP1 10:00:00 <- [2,"h1","Heartbeat",{}]"#,
            r#"CP2 10:00:00 <- [2,"x1","Heartbeat",{}]"#,
            r#"CP2 11:00:00 <- [2,"x2","Heartbeat",{}]"#,
            r#"CP2 11:10:00 <- [2,"x3","Heartbeat",{}]"#,
            r#"CP2 11:20:00 <- [2,"x4","Heartbeat",{}]"#,
            r#"CP2 11:30:00 <- [2,"x5","Heartbeat",{}]"#,
        ]);
        let f = findings(&s, "offline-gap");
        assert!(f.iter().any(|f| f.station == "CP1" && f.title.contains("last")), "{f:?}");
    }
}
