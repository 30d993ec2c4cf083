//! End to end: the real binary in tmux (terminal set-up, keys, zone
//! toggle, a picker, quitting with a clean terminal).

use ocpplens::synth::{generate_string, SynthOptions};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A tmux server on its own socket, killed when dropped (also on failure).
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("run tmux")
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "t", "-l", text]);
    }

    /// Poll the screen until `pred` holds; panic with the screen otherwise.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

/// The list rows (inside the message pane's left border).
fn list_rows(screen: &str) -> Vec<&str> {
    screen.lines().skip(1).take_while(|l| !l.starts_with('└')).collect()
}

#[test]
fn explorer_in_tmux() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("skipped: tmux not found");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("generated.csv");
    let (text, _) = generate_string(&SynthOptions { stations: 2, days: 1.0, ..SynthOptions::default() });
    std::fs::write(&log, text).expect("write log");
    let tmux = Tmux { socket: format!("ocpplens-test-{}-{}", std::process::id(), rand_suffix()) };
    let cmd = format!(
        "TZ=Europe/Zurich '{}' '{}'; echo \"exit status $?\"; sleep 600",
        env!("CARGO_BIN_EXE_ocpplens"),
        log.display()
    );
    let started = tmux.run(&["new-session", "-d", "-s", "t", "-x", "100", "-y", "30", &cmd]);
    assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));

    // first screen: messages, a findings pane, UTC
    let first = tmux.wait_for("the first screen", |s| s.contains("Messages") && s.contains("BootNotification"));
    assert!(first.contains("Findings"), "{first}");
    assert!(first.contains("UTC"), "{first}");
    assert!(first.contains("00:0"), "UTC times first:\n{first}");

    // z: Europe/Zurich times (UTC+2 in May), zone name visible
    tmux.keys(&["z"]);
    let local = tmux.wait_for("Europe/Zurich", |s| s.contains("Europe/Zurich"));
    assert!(local.contains("CEST"), "{local}");
    let first_row_utc = list_rows(&first)[0];
    let first_row_local = list_rows(&local)[0];
    assert!(first_row_utc.contains(" 00:") && first_row_local.contains(" 02:"), "{first_row_utc}\n{first_row_local}");

    // a, part of an action name, Enter: only that action remains
    tmux.keys(&["a"]);
    tmux.wait_for("the action picker", |s| s.contains("Filter by action"));
    tmux.text("StatusNot");
    tmux.wait_for("the typed text", |s| s.contains("> StatusNot"));
    tmux.keys(&["Enter"]);
    let filtered = tmux.wait_for("the filter chip", |s| s.contains("[action:StatusNotification]"));
    let rows = list_rows(&filtered);
    assert!(rows.len() > 5, "{filtered}");
    for row in rows {
        assert!(row.contains("StatusNotification"), "row {row:?} in\n{filtered}");
    }

    // q: exit status 0 and the terminal restored (main screen, no UI left)
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the exit status", |s| s.contains("exit status"));
    assert!(after.contains("exit status 0"), "{after}");
    assert!(!after.contains("Messages") && !after.contains("Findings"), "UI left on screen:\n{after}");
    let modes = tmux.run(&["display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"]);
    assert_eq!(String::from_utf8_lossy(&modes.stdout).trim(), "0 1", "alternate screen off, cursor visible");
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
