//! `offline-gap`: a station silent far longer than its heartbeat interval.
//!
//! Only what the station sends proves it is alive (its requests and its
//! answers). The silence limit is max(3 × heartbeat interval, the silence
//! threshold); the interval is the one of the last accepted boot or
//! HeartbeatInterval change, else the median Heartbeat spacing, else 15 min.

use super::log_span;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, LogStore, MsgIdx, NO_INT, NO_TIME};

pub struct OfflineGap;

const FALLBACK_HEARTBEAT_S: i64 = 15 * 60;

/// A heartbeat interval this message sets, if any.
fn interval_set_by(store: &LogStore, i: MsgIdx) -> Option<i64> {
    let m = store.msg(i);
    if m.kind != MsgKind::Result || store.str(store.facts(i).status) != "Accepted" {
        return None;
    }
    let call = m.pair.opt()?;
    let (action, f) = (store.str(m.action), store.facts(call));
    let value = match action {
        "BootNotification" => store.facts(i).value,
        "ChangeConfiguration" if store.str(f.key).eq_ignore_ascii_case("HeartbeatInterval") => f.value,
        _ => return None,
    };
    (value != NO_INT && value > 0).then_some(value)
}

fn median_heartbeat_spacing(store: &LogStore, station_msgs: &[MsgIdx]) -> Option<i64> {
    let times: Vec<i64> = station_msgs
        .iter()
        .filter(|&&i| store.is_call_of(i, "Heartbeat") && store.msg(i).at != NO_TIME)
        .map(|&i| store.msg(i).at)
        .collect();
    let mut gaps: Vec<i64> = times.windows(2).map(|w| (w[1] - w[0]) / 1000).filter(|&g| g > 0).collect();
    if gaps.len() < 3 {
        return None;
    }
    gaps.sort_unstable();
    Some(gaps[gaps.len() / 2])
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

/// Where the log ends for the stations in it: the median of their last
/// Heartbeat (their last activity when they send none), so that one
/// station's late traffic does not make the others look silent, and a
/// silence that begins after most stations stopped is not judged.
fn common_end(store: &LogStore) -> i64 {
    let mut ends: Vec<i64> = store
        .index
        .by_station
        .values()
        .filter_map(|list| {
            let timed = || list.iter().rev().filter(|&&i| store.msg(i).at != NO_TIME);
            let last_heartbeat = timed().find(|&&i| store.is_call_of(i, "Heartbeat"));
            last_heartbeat.or_else(|| timed().next()).map(|&i| store.msg(i).at)
        })
        .collect();
    ends.sort_unstable();
    ends.get(ends.len() / 2).copied().unwrap_or(NO_TIME)
}

impl Rule for OfflineGap {
    fn id(&self) -> &'static str {
        "offline-gap"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        if log_span(store).is_none() {
            return;
        }
        let common_end = common_end(store);
        let mut stations: Vec<_> = store.index.by_station.iter().collect();
        stations.sort_by_key(|(_, list)| list.first().copied());
        for (&station, list) in stations {
            let mine: Vec<MsgIdx> = list
                .iter()
                .copied()
                .filter(|&i| store.msg(i).dir == Direction::CpToCs && store.msg(i).at != NO_TIME)
                .collect();
            let fallback = median_heartbeat_spacing(store, &mine).unwrap_or(FALLBACK_HEARTBEAT_S);
            let mut heartbeat = fallback;
            let limit = |hb: i64| (3 * hb).max(ctx.thresholds.silence_s) * 1000;
            let push = |out: &mut Vec<Finding>, evidence: Vec<MsgIdx>, silence_ms: i64, hb: i64, after, open| {
                let w = text::offline_gap(silence_ms / 1000, limit(hb) / 1000, after, open);
                out.push(Finding {
                    rule: "offline-gap",
                    severity: Severity::Error,
                    station: store.str(station).to_string(),
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
            // the interval comes from answers either way; silence is measured on what the station sent
            let mut prev_own: Option<MsgIdx> = None;
            for &i in list {
                if let Some(hb) = interval_set_by(store, i) {
                    heartbeat = hb;
                }
                let m = store.msg(i);
                if m.dir != Direction::CpToCs || m.at == NO_TIME {
                    continue;
                }
                if let Some(a) = prev_own {
                    let silence = m.at - store.msg(a).at;
                    if silence > limit(heartbeat) && store.msg(a).at <= common_end {
                        let after = came_back_with(store, i, store.msg(a).at);
                        push(out, vec![a, i], silence, heartbeat, Some(after), false);
                    }
                }
                prev_own = Some(i);
            }
            if let Some(last) = prev_own {
                // the station's own end: the log's common end, or later when the back end kept calling it
                let last_any = list.iter().rev().map(|&i| store.msg(i).at).find(|&t| t != NO_TIME).unwrap_or(NO_TIME);
                let silence = common_end.max(last_any) - store.msg(last).at;
                if silence > limit(heartbeat) {
                    push(out, vec![last], silence, heartbeat, None, true);
                }
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
