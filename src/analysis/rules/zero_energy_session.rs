//! `zero-energy-session`: a stopped transaction longer than five minutes
//! that delivered less than 100 Wh.

use super::about;
use super::meter_backwards::register_readings;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{NO_INT, NO_TIME};

pub struct ZeroEnergySession;

const MIN_DURATION_MS: i64 = 5 * 60_000;
const MIN_ENERGY_WH: f64 = 100.0;

impl Rule for ZeroEnergySession {
    fn id(&self) -> &'static str {
        "zero-energy-session"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for tx in &store.transactions {
            let Some(stop) = tx.stop else { continue };
            let (start_at, stop_at) = (store.msg(tx.start).at, store.msg(stop).at);
            let (meter_start, meter_stop) = (store.facts(tx.start).value, store.facts(stop).value);
            if start_at == NO_TIME
                || stop_at == NO_TIME
                || meter_start == NO_INT
                || meter_stop == NO_INT
                || meter_stop < 0
            {
                continue;
            }
            let lasted = stop_at - start_at;
            // the energy is at least meterStop - meterStart: most sessions are
            // ruled out without reading their samples
            if lasted <= MIN_DURATION_MS || meter_stop as f64 - meter_start as f64 >= MIN_ENERGY_WH {
                continue;
            }
            let highest = register_readings(store, tx).map(|r| r.1).fold(meter_stop as f64, f64::max);
            let energy = highest - meter_start as f64;
            if (0.0..MIN_ENERGY_WH).contains(&energy) {
                let w = text::zero_energy_session(tx.id, energy, lasted / 1000);
                let mut f = about(store, self.id(), Severity::Info, stop, w);
                f.evidence.splice(0..0, [tx.start]);
                f.transaction = Some(tx.id);
                f.connector = Some(tx.connector);
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    fn session(stop_time: &str, meter_stop: i64) -> crate::store::LogStore {
        let stop = format!(
            r#"{stop_time} <- [2,"e1","StopTransaction",{{"meterStop":{meter_stop},"timestamp":"2025-01-01T{stop_time}Z","transactionId":9}}]"#
        );
        log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":5000,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            &stop,
        ])
    }

    #[test]
    fn fires_on_a_long_empty_session() {
        let s = session("10:40:00", 5020);
        let f = findings(&s, "zero-energy-session");
        assert_eq!(ids(&s, &f), vec![vec!["s1", "e1"]]);
    }

    #[test]
    fn near_miss_short_or_real_energy() {
        assert!(findings(&session("10:03:00", 5000), "zero-energy-session").is_empty());
        assert!(findings(&session("10:40:00", 9000), "zero-energy-session").is_empty());
    }
}
