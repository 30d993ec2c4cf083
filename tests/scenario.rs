//! A log with many injected faults, made by the project's own generator in
//! every layout: each injected fault must be found (same rule, naming one of
//! its uniqueIds) and findings of those rules must point at injected faults.

use ocpplens::analysis::{analyze, Thresholds};
use ocpplens::ingest::{load, LoadOptions};
use ocpplens::synth::{generate_string, Dialect, SynthOptions, FAULT_KINDS};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

fn check(dialect: Dialect, seed: u64) {
    let opts = SynthOptions {
        stations: 3,
        days: 4.0,
        fault_rate: 0.6,
        dialect,
        smart_quotes: if dialect == Dialect::Jsonl { 0.0 } else { 0.2 },
        seed,
        ..SynthOptions::default()
    };
    let (text, truth) = generate_string(&opts);
    let mut f = tempfile::Builder::new().suffix(".log").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    let store = load(&[f.path().to_string_lossy().into_owned()], LoadOptions::default(), &|_, _| {}).unwrap();
    assert_eq!(store.messages.len(), truth.messages, "{dialect:?}: every generated message is read");
    assert!(store.unparsed.is_empty());
    let findings = analyze(&store, Thresholds::default());

    let mut found_ids: BTreeMap<&str, Vec<HashSet<String>>> = BTreeMap::new();
    for f in &findings {
        found_ids.entry(f.rule).or_default().push(f.unique_ids(&store).into_iter().collect());
    }
    let mut injected: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
    let mut missed = Vec::new();
    for fault in &truth.faults {
        injected.entry(fault.rule).or_default().extend(fault.unique_ids.iter().cloned());
        let hit = found_ids
            .get(fault.rule)
            .is_some_and(|sets| sets.iter().any(|s| fault.unique_ids.iter().any(|u| s.contains(u))));
        if !hit {
            missed.push(format!("{} {} {:?}", fault.rule, fault.station, fault.unique_ids));
        }
    }
    assert!(missed.is_empty(), "{dialect:?} seed {seed}: missed {missed:#?}");
    for rule in FAULT_KINDS {
        assert!(injected.contains_key(rule), "{dialect:?}: the generator injected no {rule}");
        let ids = &injected[rule];
        let stray: Vec<_> = found_ids.get(rule).into_iter().flatten().filter(|s| s.is_disjoint(ids)).collect();
        assert!(stray.is_empty(), "{dialect:?} seed {seed}: {rule} findings matching no injected fault: {stray:?}");
    }
}

#[test]
fn every_injected_fault_is_found_in_csv() {
    check(Dialect::Csv, 3);
}

#[test]
fn every_injected_fault_is_found_in_german_csv() {
    check(Dialect::CsvDe, 5);
}

#[test]
fn every_injected_fault_is_found_in_text() {
    check(Dialect::Text, 8);
}

#[test]
fn every_injected_fault_is_found_in_jsonl() {
    check(Dialect::Jsonl, 13);
}
