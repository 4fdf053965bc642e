//! Browser suite: Inflow on 127.0.0.1:0 with the demo data, driven through
//! chromedriver in Debian's headless Chromium (fantoccini). Every page a
//! journey visits is checked: axe-core (loaded from node_modules) finds no
//! violation, the body does not scroll sideways at 320 or 1280 px,
//! interactive elements show visible focus, and screenshots of both widths
//! go to target/e2e-screenshots/. Covering a new page is one `check` call.

mod journeys;
mod scale;

use std::net::SocketAddr;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::harness::TestApp;

struct Driver {
    url: String,
    _stop: Mutex<ChildStdin>,
}

/// One chromedriver per test run, stopped when the test process exits (the
/// watchdog shell ends when our end of its stdin closes, so nobody waits for it).
#[allow(clippy::zombie_processes)]
fn driver() -> &'static Driver {
    static DRIVER: OnceLock<Driver> = OnceLock::new();
    DRIVER.get_or_init(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("chromedriver --port={port} --silent & p=$!; cat >/dev/null; kill $p"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (install Debian's chromium and chromium-driver; scripts/test.sh does)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(30), "chromedriver did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { url: format!("http://127.0.0.1:{port}"), _stop: Mutex::new(child.stdin.take().unwrap()) }
    })
}

/// The demo app served on a real port; returns its base URL.
pub async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    format!("http://{addr}")
}

/// A fresh headless Chromium session (JavaScript on or off).
pub async fn browser(javascript: bool) -> Client {
    let mut opts = json!({
        "binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900"],
    });
    if !javascript {
        opts["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), opts);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver().url)
        .await
        .expect("a Chromium session")
}

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)))
  .catch(e => done([`axe failed: ${e}`]));
"#;

const FOCUS_CHECK: &str = r#"
const bad = [];
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (el.offsetParent === null) continue;
  if (el.tagName !== 'SUMMARY' && el.closest('details:not([open])')) continue;
  el.focus();
  if (document.activeElement !== el) continue;
  const s = getComputedStyle(el);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
  if (!visible) bad.push(el.outerHTML.slice(0, 80));
}
document.activeElement && document.activeElement.blur();
return bad.slice(0, 5);
"#;

/// Everything that is wrong with the current page, readably.
pub async fn check(c: &Client, name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let axe = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/node_modules/axe-core/axe.min.js"
    ))
    .expect("node_modules/axe-core (npm ci installs it; scripts/test.sh does)");
    c.execute(&axe, vec![]).await.expect("inject axe");
    let violations = c.execute_async(AXE_RUN, vec![]).await.expect("run axe");
    for v in violations.as_array().cloned().unwrap_or_default() {
        problems.push(format!(
            "{name}: accessibility: {}",
            v.as_str().unwrap_or_default()
        ));
    }
    if let Value::Array(bad) = c.execute(FOCUS_CHECK, vec![]).await.expect("focus check") {
        for b in bad {
            problems.push(format!(
                "{name}: no visible focus on {}",
                b.as_str().unwrap_or_default()
            ));
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/e2e-screenshots");
    std::fs::create_dir_all(dir).unwrap();
    for width in [320, 1280] {
        c.set_window_size(width, 900).await.unwrap();
        let overflow = c
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap_or(0);
        if overflow > 0 {
            problems.push(format!(
                "{name}: scrolls sideways by {overflow}px at {width}px wide"
            ));
        }
        c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}-{width}.png"), png).unwrap();
    }
    c.set_window_size(1280, 900).await.unwrap();
    problems
}

/// Run `action`, then wait until the browser shows a new document (the old
/// one goes stale). Works with JavaScript off too.
pub async fn navigating<F: std::future::Future<Output = ()>>(c: &Client, action: F) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    action.await;
    let start = Instant::now();
    while old.attr("lang").await.is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the page did not change"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    c.wait().for_element(Locator::Css("body")).await.unwrap();
}

/// Click something that leads to another page, and wait for it.
pub async fn submit(c: &Client, css: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    navigating(c, async { el.click().await.unwrap() }).await;
}

/// Sign in through the form, as a person would.
pub async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(inflow::demo::PASSWORD)
        .await
        .unwrap();
    submit(c, "main form button[type=submit]").await;
}

pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

pub async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap();
}

pub async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Follow a link by its visible text.
pub async fn follow(c: &Client, link_text: &str) {
    let a = c
        .find(Locator::LinkText(link_text))
        .await
        .unwrap_or_else(|e| panic!("link {link_text:?}: {e}"));
    navigating(c, async { a.click().await.unwrap() }).await;
}

/// Follow a link in the navigation labelled `nav` (Main, or L&D admin).
pub async fn follow_in(c: &Client, nav: &str, link_text: &str) {
    for a in c
        .find_all(Locator::Css(&format!("nav[aria-label='{nav}'] a")))
        .await
        .unwrap()
    {
        if a.text().await.unwrap().trim() == link_text {
            navigating(c, async { a.click().await.unwrap() }).await;
            return;
        }
    }
    panic!("no link {link_text:?} in the {nav} navigation");
}

/// Check every page reachable from one navigation of the signed-in role.
pub async fn check_navigation(c: &Client, nav: &str, links: &[&str], problems: &mut Vec<String>) {
    for link in links {
        follow_in(c, nav, link).await;
        problems.extend(
            check(
                c,
                &format!(
                    "{}-{}",
                    nav.to_lowercase().replace([' ', '&'], ""),
                    link.to_lowercase().replace(' ', "-")
                ),
            )
            .await,
        );
    }
}

pub fn assert_clean(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problems found:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
