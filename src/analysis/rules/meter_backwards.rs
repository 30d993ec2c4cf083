//! `meter-backwards`: the energy register decreases within a transaction,
//! or meterStop < meterStart (meterStop -1 means unknown).

use crate::analysis::rules::about;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{LogStore, Measure, MsgIdx, Transaction, NO_INT};

pub struct MeterBackwards;

/// Rounding slack: some stations truncate the start and round the stop.
const TOLERANCE_WH: f64 = 1.0;

/// The energy register readings of a transaction in time order, each with
/// the message it came from. An iterator: the rules walk them once, and a
/// list per transaction would only be thrown away.
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
        for tx in &store.transactions {
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
    use crate::testutil::{findings, ids, log};

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
}
