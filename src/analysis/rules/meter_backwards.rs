//! `meter-backwards`: the energy register decreases within a transaction,
//! or meterStop < meterStart (meterStop -1 means unknown).

use crate::analysis::rules::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{LogStore, Measure, MsgIdx, Transaction, NO_INT};

pub struct MeterBackwards;

/// Rounding slack: some stations truncate the start and round the stop.
const TOLERANCE_WH: f64 = 1.0;

/// The energy register readings of a transaction in time order, each with
/// the message it came from. An iterator: a list per transaction would only
/// be thrown away. The rules walk them only for the transactions whose
/// summary (`Transaction::register`) says there is something to find.
pub(crate) fn register_readings<'a>(
    store: &'a LogStore,
    tx: &'a Transaction,
) -> impl Iterator<Item = (MsgIdx, f64, &'static str)> + 'a {
    let start = store.facts(tx.start).value;
    let meter_start = (start != NO_INT).then_some((tx.start, start as f64, "meterStart"));
    let later = tx.messages.iter().flat_map(move |&i| {
        let sampled = store.readings(i).iter().filter(|r| r.measure == Measure::EnergyImport).map(move |r| {
            let what = if r.from_stop { "transactionData" } else { "MeterValues" };
            (i, r.value, what)
        });
        let stop = if Some(i) == tx.stop { store.facts(i).value } else { NO_INT };
        let meter_stop = (stop != NO_INT && stop != -1).then_some((i, stop as f64, "meterStop"));
        sampled.chain(meter_stop)
    });
    meter_start.into_iter().chain(later)
}

impl Rule for MeterBackwards {
    fn id(&self) -> &'static str {
        "meter-backwards"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        // only a register that fell somewhere is worth walking
        for tx in store.transactions.iter().filter(|tx| tx.register.falls) {
            let mut readings = register_readings(store, tx);
            let Some((_, first, _)) = readings.next() else { continue };
            let mut prev = first;
            let mut flagged: Vec<MsgIdx> = Vec::new();
            for (msg, value, what) in readings {
                if value < prev - TOLERANCE_WH && !flagged.contains(&msg) {
                    flagged.push(msg);
                    let words = text::meter_backwards(tx.id, prev, value, what);
                    let mut f = about(store, self.id(), Severity::Error, msg, words);
                    f.transaction = Some(tx.id);
                    f.connector = Some(tx.connector);
                    out.push(f);
                }
                prev = value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::register_readings;
    use crate::store::{LogStore, Transaction, NO_TIME};
    use crate::testutil::{findings, ids, load_text, log};
    use proptest::prelude::*;

    const START: &str = r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":1000,"timestamp":"2025-01-01T10:00:00Z"}]"#;
    const ANSWER: &str = r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#;

    fn mv(t: &str, id: &str, wh: &str) -> String {
        format!(
            r#"{t} <- [2,"{id}","MeterValues",{{"connectorId":1,"transactionId":9,"meterValue":[{{"timestamp":"2025-01-01T{t}Z","sampledValue":[{{"value":"{wh}"}}]}}]}}]"#
        )
    }

    #[test]
    fn fires_on_a_drop_and_on_stop_below_start() {
        let lines = [
            START.to_string(),
            ANSWER.to_string(),
            mv("10:10:00", "m1", "3000"),
            mv("10:20:00", "m2", "2000"),
            r#"10:30:00 <- [2,"e1","StopTransaction",{"meterStop":900,"timestamp":"2025-01-01T10:30:00Z","transactionId":9}]"#
                .to_string(),
        ];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let f = findings(&s, "meter-backwards");
        assert_eq!(ids(&s, &f), vec![vec!["m2"], vec!["e1"]]);
    }

    #[test]
    fn near_miss_rounding_unknown_stop_and_kwh_units() {
        let lines = [
            START.to_string(),
            ANSWER.to_string(),
            mv("10:10:00", "m1", "1500.4"),
            r#"10:15:00 <- [2,"m2","MeterValues",{"connectorId":1,"transactionId":9,"meterValue":[{"timestamp":"2025-01-01T10:15:00Z","sampledValue":[{"value":"1.6","unit":"kWh"}]}]}]"#.to_string(),
            r#"10:30:00 <- [2,"e1","StopTransaction",{"meterStop":-1,"timestamp":"2025-01-01T10:30:00Z","transactionId":9}]"#.to_string(),
        ];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(findings(&s, "meter-backwards").is_empty());
    }

    /// A transaction's register summary worked out the plain way, from its
    /// readings walked one by one: (first and last, falls, fastest rise).
    fn plain_register(store: &LogStore, tx: &Transaction) -> (Option<(f64, f64)>, bool, f64) {
        let all: Vec<(i64, f64)> = register_readings(store, tx).map(|(m, v, _)| (store.msg(m).at, v)).collect();
        let ends = all.first().zip(all.last()).map(|(a, b)| (a.1, b.1));
        let falls = all.windows(2).any(|w| w[1].1 < w[0].1);
        let mut fastest = 0.0f64;
        for (k, &(at, v)) in all.iter().enumerate() {
            // from the highest reading before, the first time it was reached
            let best = all[..k].iter().fold(None, |b: Option<(i64, f64)>, &r| match b {
                Some((_, bv)) if r.1 <= bv => b,
                _ => Some(r),
            });
            if let Some((best_at, bv)) = best {
                if v > bv && at != NO_TIME && best_at != NO_TIME {
                    // a rise within a second counts as taking a second
                    let hours = ((at - best_at) as f64 / 3_600_000.0).max(1.0 / 3600.0);
                    fastest = fastest.max((v - bv) / hours);
                }
            }
        }
        (ends, falls, fastest)
    }

    /// One transaction: meterStart, then per MeterValues its seconds after
    /// the one before and its sampled values (true: energy register), then meterStop.
    type TxSpec = (Option<u32>, Vec<(u32, Vec<(bool, u32)>)>, Option<i64>);

    fn tx_spec() -> impl Strategy<Value = TxSpec> {
        let sample = (proptest::bool::weighted(0.8), 0u32..40);
        let meter_values = proptest::collection::vec((0u32..1200, proptest::collection::vec(sample, 0..3)), 0..12);
        let stop = prop_oneof![Just(None), Just(Some(-1)), (0i64..10_000).prop_map(Some)];
        (proptest::option::of(0u32..10_000), meter_values, stop)
    }

    /// Two connectors' transactions, overlapping in time, as one text log.
    fn log_of(specs: &[TxSpec]) -> String {
        let mut lines: Vec<(i64, String)> = Vec::new();
        for (n, (start, mvs, stop)) in specs.iter().enumerate() {
            let (tx, connector) = (100 + n, 1 + n % 2);
            let mut at = 1_735_725_600_000 + n as i64 * 1_800_000;
            let start = start.map_or(String::new(), |v| format!(r#","meterStart":{v}"#));
            lines.push((
                at,
                format!(r#"[2,"s{n}","StartTransaction",{{"connectorId":{connector},"idTag":"T"{start},"timestamp":"2025-01-01T10:00:00Z"}}]"#),
            ));
            lines.push((at, format!(r#"[3,"s{n}",{{"transactionId":{tx},"idTagInfo":{{"status":"Accepted"}}}}]"#)));
            for (k, (wait, samples)) in mvs.iter().enumerate() {
                at += i64::from(*wait) * 1000;
                let samples: Vec<String> = samples
                    .iter()
                    .map(|&(energy, v)| {
                        let measurand = if energy { "" } else { r#","measurand":"Power.Active.Import""# };
                        format!(r#"{{"value":"{}"{measurand}}}"#, f64::from(v) * 250.5)
                    })
                    .collect();
                lines.push((
                    at,
                    format!(
                        r#"[2,"m{n}-{k}","MeterValues",{{"connectorId":{connector},"transactionId":{tx},"meterValue":[{{"timestamp":"2025-01-01T10:00:00Z","sampledValue":[{}]}}]}}]"#,
                        samples.join(",")
                    ),
                ));
            }
            if let Some(v) = stop {
                at += 1000;
                lines.push((
                    at,
                    format!(r#"[2,"e{n}","StopTransaction",{{"meterStop":{v},"timestamp":"2025-01-01T10:00:00Z","transactionId":{tx}}}]"#),
                ));
            }
        }
        lines.sort_by_key(|(at, _)| *at);
        lines
            .iter()
            .map(|(at, frame)| {
                format!("{} [CP1] <- {frame}\n", crate::synth::rfc3339_ms(*at).replace('T', " ").trim_end_matches('Z'))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The summary gathered while the transactions' messages are found
        /// is what walking each transaction's readings gives.
        #[test]
        fn the_register_summary_is_that_of_the_readings(specs in proptest::collection::vec(tx_spec(), 1..6)) {
            let store = load_text(&log_of(&specs));
            prop_assert_eq!(store.transactions.len(), specs.len());
            for tx in &store.transactions {
                let r = tx.register;
                prop_assert_eq!((r.ends, r.falls, r.fastest_rise_w), plain_register(&store, tx), "transaction {}", tx.id);
            }
        }
    }

    #[test]
    fn the_register_summary_sees_falls_and_fast_rises() {
        // meterStart 1000, 3000 after ten minutes, 2000 after ten more, 9000 a second later
        let lines = [
            START.to_string(),
            ANSWER.to_string(),
            mv("10:10:00", "m1", "3000"),
            mv("10:20:00", "m2", "2000"),
            mv("10:20:01", "m3", "9000"),
        ];
        let s = log(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let r = s.transactions[0].register;
        assert_eq!(r.ends, Some((1000.0, 9000.0)));
        assert!(r.falls);
        // from 3000 (the highest before) to 9000 in 601 s
        assert_eq!(r.fastest_rise_w, 6000.0 / (601.0 / 3600.0));
    }
}
