//! `energy-implausible`: the register rose faster than any charger can
//! deliver (above max(1.5 × the highest power seen or offered, 350 kW)).
//! Increases are measured from the highest reading so far, so recovering
//! after a drop (a meter-backwards finding) is not counted twice.

use super::about;
use super::meter_backwards::register_readings;
use crate::analysis::{text, Context, Finding, Rule, Severity};
use crate::store::{LogStore, Measure, MsgIdx, Register, Transaction};

pub struct EnergyImplausible;

const CEILING_W: f64 = 350_000.0;

impl Rule for EnergyImplausible {
    fn id(&self) -> &'static str {
        "energy-implausible"
    }

    fn check(&self, ctx: &Context, out: &mut Vec<Finding>) {
        let store = ctx.store;
        for tx in &store.transactions {
            // the limit is at least the ceiling: only when a rise beats it is
            // the power seen worth reading (most sessions never get there)
            if tx.register.fastest_rise_w <= CEILING_W {
                continue;
            }
            let observed = tx
                .messages
                .iter()
                .flat_map(|&i| store.readings(i))
                .filter(|r| matches!(r.measure, Measure::PowerImport | Measure::PowerOffered))
                .map(|r| r.value)
                .fold(0.0, f64::max);
            let limit = (observed * 1.5).max(CEILING_W);
            if let Some((msg, watts)) = first_above(store, tx, limit) {
                let w = text::energy_implausible(tx.id, watts / 1000.0, limit / 1000.0);
                let mut f = about(store, self.id(), Severity::Warning, msg, w);
                f.transaction = Some(tx.id);
                out.push(f);
            }
        }
    }
}

/// The first register reading that rose from the highest one before it
/// faster than `limit` watts, with that rate.
fn first_above(store: &LogStore, tx: &Transaction, limit: f64) -> Option<(MsgIdx, f64)> {
    // the rises as the transaction's summary measures them
    let mut register = Register::NONE;
    register_readings(store, tx)
        .find_map(|(msg, value, _)| register.add(store.msg(msg).at, value).filter(|&w| w > limit).map(|w| (msg, w)))
}

#[cfg(test)]
mod tests {
    use crate::testutil::{findings, ids, log};

    fn with_reading(wh: &str) -> crate::store::LogStore {
        let mv = format!(
            r#"10:10:00 <- [2,"m1","MeterValues",{{"connectorId":1,"transactionId":9,"meterValue":[{{"timestamp":"2025-01-01T10:10:00Z","sampledValue":[{{"value":"{wh}"}}]}}]}}]"#
        );
        log(&[
            r#"10:00:00 <- [2,"s1","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":10000,"timestamp":"2025-01-01T10:00:00Z"}]"#,
            r#"10:00:01 -> [3,"s1",{"transactionId":9,"idTagInfo":{"status":"Accepted"}}]"#,
            &mv,
        ])
    }

    #[test]
    fn fires_on_a_kwh_wh_jump() {
        // 10,000 Wh -> 10,000,000 Wh in ten minutes
        let s = with_reading("10000000");
        assert_eq!(ids(&s, &findings(&s, "energy-implausible")), vec![vec!["m1"]]);
    }

    #[test]
    fn near_miss_fast_dc_charging() {
        // 150 kW for ten minutes = 25 kWh
        assert!(findings(&with_reading("35000"), "energy-implausible").is_empty());
    }
}
