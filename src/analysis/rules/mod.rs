//! The rules, one per file, each with its own tests.

mod abnormal_stop;
mod auth_rejected;
mod authorize_without_start;
mod boot_rejected;
mod call_error;
mod clock_skew;
mod command_rejected;
mod connector_error;
mod connector_faulted;
mod duplicate_uid;
mod empty_idtag;
mod energy_implausible;
pub(crate) mod meter_backwards;
mod no_messages;
mod no_response;
mod offline_gap;
mod orphan_response;
mod reboot_loop;
mod remote_start_no_transaction;
mod schema_violation;
mod start_not_preparing;
mod suspended_long;
mod transaction_not_stopped;
mod unknown_transaction;
mod unparsed_row;
mod zero_energy_session;

pub use no_messages::no_messages_in_view;

use super::text::Words;
use super::{Context, Finding, Rule, Severity};
use crate::ingest::frame::MsgKind;
use crate::store::{Direction, LogStore, MsgIdx, Sym, NO_INT, NO_TIME};

/// Every rule, in catalogue order.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(empty_idtag::EmptyIdTag),
        Box::new(auth_rejected::AuthRejected),
        Box::new(connector_error::ConnectorError),
        Box::new(connector_faulted::ConnectorFaulted),
        Box::new(call_error::CallError),
        Box::new(no_response::NoResponse),
        Box::new(orphan_response::OrphanResponse),
        Box::new(duplicate_uid::DuplicateUid),
        Box::new(offline_gap::OfflineGap),
        Box::new(boot_rejected::BootRejected),
        Box::new(reboot_loop::RebootLoop),
        Box::new(transaction_not_stopped::TransactionNotStopped),
        Box::new(meter_backwards::MeterBackwards),
        Box::new(abnormal_stop::AbnormalStop),
        Box::new(clock_skew::ClockSkew),
        Box::new(command_rejected::CommandRejected),
        Box::new(suspended_long::SuspendedLong),
        Box::new(schema_violation::SchemaViolation),
        Box::new(unknown_transaction::UnknownTransaction),
        Box::new(unparsed_row::UnparsedRow),
        Box::new(no_messages::NoMessages),
        Box::new(authorize_without_start::AuthorizeWithoutStart),
        Box::new(remote_start_no_transaction::RemoteStartNoTransaction),
        Box::new(zero_energy_session::ZeroEnergySession),
        Box::new(energy_implausible::EnergyImplausible),
        Box::new(start_not_preparing::StartNotPreparing),
    ]
}

/// Every rule id (for validating `--rule`).
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|r| r.id()).collect()
}

/// A finding about one request (and its answer, when there is one).
fn about(store: &LogStore, rule: &'static str, severity: Severity, msg: MsgIdx, w: Words) -> Finding {
    let m = store.msg(msg);
    let call = if m.kind == MsgKind::Call { msg } else { m.pair.opt().unwrap_or(msg) };
    let mut evidence = vec![call];
    if let Some(p) = store.msg(call).pair.opt() {
        evidence.push(p);
    }
    if !evidence.contains(&msg) {
        evidence.push(msg);
    }
    let f = store.facts(call);
    Finding {
        rule,
        severity,
        station: store.str(m.station).to_string(),
        connector: (f.connector != NO_INT).then_some(f.connector),
        transaction: store.transaction_of(call).map(|t| store.tx(t).id),
        at: store.msg(call).time().or(m.time()),
        evidence,
        extra_lines: Vec::new(),
        title: w.title,
        explanation: w.explanation,
        advice: w.advice,
    }
}

/// The requests of an action (answers left out).
fn calls<'a>(ctx: &'a Context, action: &str) -> impl Iterator<Item = MsgIdx> + 'a {
    let store = ctx.store;
    store.with_action(action).iter().copied().filter(move |&i| store.msg(i).kind == MsgKind::Call)
}

/// `LogStore::is_call_of` for an action looked up once with
/// `store.strings.find` (`None`: no message has it), so that walking many
/// messages compares symbols instead of texts.
fn is_call_sym(store: &LogStore, i: MsgIdx, action: Option<Sym>) -> bool {
    let m = store.msg(i);
    m.kind == MsgKind::Call && Some(m.action) == action
}

/// The stations numbered 0.. (in order of their first message), so that one
/// pass over all messages can keep per-station state in a Vec: walking the
/// station index's lists instead jumps all over the message array.
struct StationSlots {
    /// Slot by symbol id; the last entry is for `Sym::NONE`.
    slot_of: Vec<u32>,
    /// Symbol by slot.
    stations: Vec<Sym>,
}

impl StationSlots {
    fn of(store: &LogStore) -> StationSlots {
        let mut stations: Vec<(Sym, MsgIdx)> = store
            .index
            .by_station
            .iter()
            .map(|(&s, list)| (s, list.first().copied().unwrap_or(MsgIdx::NONE)))
            .collect();
        stations.sort_unstable_by_key(|&(_, first)| first);
        let mut slot_of = vec![u32::MAX; store.strings.len() + 1];
        for (slot, &(s, _)) in stations.iter().enumerate() {
            let at = (s.0 as usize).min(store.strings.len());
            slot_of[at] = slot as u32;
        }
        StationSlots { slot_of, stations: stations.into_iter().map(|(s, _)| s).collect() }
    }

    /// The slot of a station that has messages.
    fn slot(&self, station: Sym) -> usize {
        self.slot_of[(station.0 as usize).min(self.slot_of.len() - 1)] as usize
    }
}

/// The answer of a request, when it is a CALLRESULT.
fn result_of(store: &LogStore, call: MsgIdx) -> Option<MsgIdx> {
    store.msg(call).pair.opt().filter(|&p| store.msg(p).kind == MsgKind::Result)
}

/// A message the station sent: its requests and its answers to the back end.
fn from_station(store: &LogStore, i: MsgIdx) -> bool {
    store.msg(i).dir == Direction::CpToCs
}

/// First and last log time of the whole log.
fn log_span(store: &LogStore) -> Option<(i64, i64)> {
    let first = store.messages.iter().map(|m| m.at).find(|&t| t != NO_TIME)?;
    let last = store.messages.iter().rev().map(|m| m.at).find(|&t| t != NO_TIME)?;
    Some((first, last))
}
