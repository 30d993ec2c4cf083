//! `reboot-loop`: three or more BootNotifications from one station within
//! ten minutes (both configurable). Boots the back end asked for with
//! TriggerMessage(BootNotification) just before do not count.

use super::calls;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::intern::{FnvMap, Sym};
use crate::store::{LogStore, MsgIdx};

pub struct RebootLoop;

const TRIGGER_WINDOW_MS: i64 = 60_000;

fn was_triggered(store: &LogStore, boot: MsgIdx) -> bool {
    let m = store.msg(boot);
    let triggers = store.with_action("TriggerMessage");
    let before = triggers.partition_point(|&t| t < boot);
    triggers[..before]
        .iter()
        .rev()
        .take_while(|&&t| m.at - store.msg(t).at <= TRIGGER_WINDOW_MS)
        .any(|&t| store.msg(t).station == m.station && store.str(store.facts(t).key) == "BootNotification")
}

impl Rule for RebootLoop {
    fn id(&self) -> &'static str {
        "reboot-loop"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        let window = ctx.thresholds.reboot_window_s * 1000;
        let need = ctx.thresholds.reboot_count.max(2);
        let mut by_station: FnvMap<Sym, Vec<MsgIdx>> = FnvMap::default();
        for i in calls(ctx, "BootNotification") {
            if store.msg(i).time().is_some() && !was_triggered(store, i) {
                by_station.entry(store.msg(i).station).or_default().push(i);
            }
        }
        let mut stations: Vec<_> = by_station.into_iter().collect();
        stations.sort_by_key(|(_, boots)| boots[0]);
        for (station, boots) in stations {
            // chains of boots each within the window of the previous one
            let mut chain: Vec<MsgIdx> = Vec::new();
            let mut flush = |chain: &mut Vec<MsgIdx>| {
                let t = |i: MsgIdx| store.msg(i).at;
                let burst = chain.windows(need).any(|w| t(w[need - 1]) - t(w[0]) <= window);
                if burst {
                    let span = (t(chain[chain.len() - 1]) - t(chain[0])) / 1000;
                    let w = text::reboot_loop(chain.len(), span);
                    let mut evidence = Vec::new();
                    for &b in chain.iter() {
                        evidence.push(b);
                        evidence.extend(store.msg(b).pair.opt());
                    }
                    out.push(Finding {
                        rule: "reboot-loop",
                        severity: Severity::Error,
                        station: store.str(station).to_string(),
                        connector: None,
                        transaction: None,
                        at: store.msg(chain[0]).time(),
                        evidence,
                        extra_lines: Vec::new(),
                        title: w.title,
                        explanation: w.explanation,
                        advice: w.advice,
                    });
                }
                chain.clear();
            };
            for b in boots {
                if let Some(&prev) = chain.last() {
                    if store.msg(b).at - store.msg(prev).at > window {
                        flush(&mut chain);
                    }
                }
                chain.push(b);
            }
            flush(&mut chain);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    fn boot(t: &str, id: &str) -> String {
        format!(r#"{t} <- [2,"{id}","BootNotification",{{"chargePointVendor":"v","chargePointModel":"m"}}]"#)
    }

    #[test]
    fn fires_on_three_boots_in_ten_minutes() {
        let lines = [boot("10:00:00", "b1"), boot("10:02:00", "b2"), boot("10:05:00", "b3"), boot("11:00:00", "b4")];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let f = findings(&s, "reboot-loop");
        assert_eq!(ids(&s, &f), vec![vec!["b1", "b2", "b3"]]);
    }

    #[test]
    fn near_miss_spread_out_or_triggered() {
        let lines = [boot("10:00:00", "b1"), boot("10:06:00", "b2"), boot("10:12:00", "b3")];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(findings(&s, "reboot-loop").is_empty());
        let t = r#"10:01:50 -> [2,"t1","TriggerMessage",{"requestedMessage":"BootNotification"}]"#;
        let lines = [boot("10:00:00", "b1"), t.to_string(), boot("10:02:00", "b2"), boot("10:05:00", "b3")];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(findings(&s, "reboot-loop").is_empty());
    }
}
