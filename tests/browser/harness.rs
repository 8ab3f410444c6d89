//! The browser harness: the production router listening on a loopback port with a fresh, seeded
//! database; a Chromium session through chromedriver; axe-core run in the page; keyboard input
//! through WebDriver actions; screenshots of each step under `target/browser-screenshots/`.
//!
//! Where chromedriver is: `WEBDRIVER_URL` (what `.ci/run` sets), else a `chromedriver` on the
//! PATH, started for the test and stopped after it. axe-core: `tests/browser/node_modules`
//! (`npm ci` in `tests/browser/`), or the file named by `AXE_CORE_JS`. Outside CI, a machine
//! without them skips these tests with a note saying why; with `CI=true` that is a failure.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

/// The WCAG 2.0, 2.1 and 2.2 A and AA rules: what the Public Sector Bodies Accessibility
/// Regulations require.
pub const AXE_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// How long to wait for a page to show what a step expects.
const WAIT: Duration = Duration::from_secs(20);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn axe_path() -> PathBuf {
    match std::env::var("AXE_CORE_JS") {
        Ok(p) if !p.is_empty() => PathBuf::from(p),
        _ => manifest_dir().join("tests/browser/node_modules/axe-core/axe.min.js"),
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

enum DriverSource {
    Url(String),
    Binary(PathBuf),
}

/// What the browser tests need on this machine, or why they cannot run.
fn requirements() -> Result<(DriverSource, String), String> {
    let driver = match std::env::var("WEBDRIVER_URL") {
        Ok(u) if !u.is_empty() => DriverSource::Url(u.trim_end_matches('/').to_string()),
        _ => match on_path("chromedriver") {
            Some(p) => DriverSource::Binary(p),
            None => {
                return Err(
                    "WEBDRIVER_URL is not set and there is no chromedriver on the PATH \
                     (Debian: apt-get install chromium chromium-driver)"
                        .into(),
                );
            }
        },
    };
    let axe = axe_path();
    let axe_source = std::fs::read_to_string(&axe).map_err(|e| {
        format!(
            "axe-core is not installed at {} ({e}); run `npm ci` in tests/browser",
            axe.display()
        )
    })?;
    Ok((driver, axe_source))
}

static SKIP_NOTE: Once = Once::new();

/// Prints once, past the test harness's output capture, why the browser tests were skipped.
fn note_skipped(reason: &str) {
    SKIP_NOTE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: the browser tests (tests/browser) were SKIPPED: {reason}. \
             They show as passed but did not run; `bash .ci/run` installs what they need and runs them.\n"
        );
    });
}

/// A chromedriver this test started; stopped when dropped.
struct DriverProcess {
    child: Child,
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until chromedriver answers on its status endpoint.
async fn driver_ready(url: &str) -> bool {
    let deadline = Instant::now() + WAIT;
    let addr = url.trim_start_matches("http://").to_string();
    while Instant::now() < deadline {
        if let Ok(body) = http_request(&addr, "GET", "/status")
            && body.contains("\"ready\":true")
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// A tiny blocking HTTP/1.1 request to chromedriver (used for readiness and for ending a session
/// from `Drop`, where nothing async can run).
fn http_request(addr: &str, method: &str, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // chromedriver may keep the connection open: read the head, then Content-Length bytes.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The service under test, listening on 127.0.0.1 with the demo authority loaded.
pub struct Server {
    pub app: TestApp,
    pub base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let base = format!("http://127.0.0.1:{port}");
        let app_base = base.clone();
        // Production-like: Secure `__Host-` cookies; Chromium treats http://127.0.0.1 as a
        // secure context, so they are kept.
        let app = TestApp::with_env(move |env| {
            env.insert("APP_BASE_URL".into(), app_base);
        })
        .await;
        app.seed().await;
        let router = app.router.clone();
        let task = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Server { app, base, task }
    }

    /// The service's today.
    pub fn today(&self) -> chrono::NaiveDate {
        self.app.clock_now().date_naive()
    }

    /// Advances the service's clock (for session timeouts).
    pub fn advance(&self, by: chrono::Duration) {
        self.app.clock.set(self.app.clock_now() + by);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for TestApp {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use pathway::clock::Clock;
        self.clock.now()
    }
}

/// One axe-core finding.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Debug, Deserialize)]
pub struct ViolationNode {
    pub target: Value,
    pub summary: Option<String>,
}

/// Formats violations for a failure message: rule, impact, help and its URL, and each target.
pub fn describe(page: &str, violations: &[Violation]) -> String {
    let mut out = String::new();
    for v in violations {
        let _ = writeln!(
            out,
            "  [{page}] {} ({}): {} <{}>",
            v.id,
            v.impact.as_deref().unwrap_or("-"),
            v.help,
            v.help_url
        );
        for n in &v.nodes {
            let _ = writeln!(
                out,
                "      at {}{}",
                n.target,
                n.summary
                    .as_deref()
                    .map(|s| format!(": {}", s.replace('\n', " ")))
                    .unwrap_or_default()
            );
        }
    }
    out
}

/// What has keyboard focus, and whether a sighted user can see where it is.
#[derive(Debug, Clone, Deserialize)]
pub struct Focus {
    pub tag: String,
    pub id: String,
    pub name: String,
    pub text: String,
    pub href: String,
    /// An outline of at least 2px in a visible colour, or the focus yellow behind it.
    pub indicator: bool,
    /// Inside the viewport.
    pub in_view: bool,
    /// What is on top at the focused element's centre, if not the element itself.
    pub covered_by: String,
    pub style: String,
}

impl Focus {
    pub fn describe(&self) -> String {
        format!(
            "<{} id={:?} name={:?} href={:?}> {:?}",
            self.tag, self.id, self.name, self.href, self.text
        )
    }
}

const FOCUS_JS: &str = r#"
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) {
  return {tag: 'body', id: '', name: '', text: '', href: '', indicator: false, in_view: false, covered_by: '', style: ''};
}
const cs = getComputedStyle(el);
const transparent = c => c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c);
const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 && !transparent(cs.outlineColor);
const yellow = cs.backgroundColor === 'rgb(255, 221, 0)';
const boxes = el.getClientRects();
const r = boxes.length ? boxes[0] : el.getBoundingClientRect();
// The part of the element inside the viewport: WCAG 2.4.11 asks that it is not entirely hidden.
const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth);
const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
const inView = right - left >= 1 && bottom - top >= 1;
const x = left + Math.min((right - left) / 2, 8), y = (top + bottom) / 2;
let covered = '';
if (inView) {
  const hit = document.elementFromPoint(x, y);
  const ok = hit && (hit === el || el.contains(hit) || (el.labels && Array.from(el.labels).some(l => l.contains(hit))));
  if (!ok) covered = hit ? hit.tagName.toLowerCase() + (hit.id ? '#' + hit.id : '') + (hit.className ? '.' + String(hit.className).split(' ').join('.') : '') : 'nothing';
}
return {
  tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
  text: (el.innerText || el.value || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 120),
  href: el.getAttribute('href') || '', indicator: outline || yellow, in_view: inView, covered_by: covered,
  style: `outline: ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}; background: ${cs.backgroundColor}; box-shadow: ${cs.boxShadow}`
};
"#;

/// A Chromium session on the server. Closed explicitly with `close`; if a test fails first,
/// `Drop` ends the session so no browser is left behind.
pub struct Browser {
    pub c: Client,
    pub base: String,
    driver_addr: String,
    session_id: Option<String>,
    axe_source: String,
    journey: String,
    step: u32,
    _profile: tempfile::TempDir,
    _driver: Option<DriverProcess>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(id) = self.session_id.take() {
            let _ = http_request(&self.driver_addr, "DELETE", &format!("/session/{id}"));
        }
    }
}

/// Starts a browser for `journey` against `server`, or returns `None` (after a note) when this
/// machine cannot run browser tests and this is not CI.
pub async fn browser(journey: &str, server: &Server) -> Option<Browser> {
    browser_sized(journey, server, 1280, 1000).await
}

/// Whether the browser tests can run; call first, before starting a server.
pub fn available(test: &str) -> bool {
    match requirements() {
        Ok(_) => true,
        Err(reason) => {
            if in_ci() {
                panic!("{test}: {reason}. In CI (CI=true) the browser tests must run.");
            }
            note_skipped(&reason);
            false
        }
    }
}

pub async fn browser_sized(
    journey: &str,
    server: &Server,
    width: u32,
    height: u32,
) -> Option<Browser> {
    let (source, axe_source) = match requirements() {
        Ok(r) => r,
        Err(reason) => {
            if in_ci() {
                panic!("{journey}: {reason}. In CI (CI=true) the browser tests must run.");
            }
            note_skipped(&reason);
            return None;
        }
    };
    let (url, process) = match source {
        DriverSource::Url(u) => (u, None),
        DriverSource::Binary(bin) => {
            let port = free_port();
            let child = Command::new(bin)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let p = DriverProcess { child };
            let url = format!("http://127.0.0.1:{port}");
            assert!(driver_ready(&url).await, "chromedriver did not start");
            (url, Some(p))
        }
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-extensions".into(),
        "--force-device-scale-factor=1".into(),
        "--lang=en-GB".into(),
        format!("--window-size={width},{height}"),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    if let Ok(extra) = std::env::var("CHROME_ARGS") {
        args.extend(extra.split_whitespace().map(str::to_string));
    }
    let mut options = json!({ "args": args });
    let binary = std::env::var("CHROME_BIN")
        .ok()
        .filter(|b| !b.is_empty())
        .or_else(|| {
            Path::new("/usr/bin/chromium")
                .is_file()
                .then(|| "/usr/bin/chromium".to_string())
        });
    if let Some(b) = binary {
        options["binary"] = json!(b);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    let c = ClientBuilder::new(hyper_util_connector())
        .capabilities(caps)
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{journey}: no browser session from {url}: {e}"));
    let session_id = c.session_id().await.ok().flatten();
    let dir = screenshot_dir().join(journey);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    Some(Browser {
        c,
        base: server.base.clone(),
        driver_addr: url.trim_start_matches("http://").to_string(),
        session_id,
        axe_source,
        journey: journey.to_string(),
        step: 0,
        _profile: profile,
        _driver: process,
    })
}

/// chromedriver speaks plain HTTP on loopback: no TLS needed.
fn hyper_util_connector() -> hyper_util::client::legacy::connect::HttpConnector {
    hyper_util::client::legacy::connect::HttpConnector::new()
}

pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"))
        .join("browser-screenshots")
}

impl Browser {
    pub async fn close(mut self) {
        self.session_id = None;
        let c = self.c.clone();
        let _ = c.close().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Opens a page by its address, as if typed into the address bar.
    pub async fn goto(&self, path: &str) {
        self.c
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        let u = self.c.current_url().await.expect("current url");
        match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.c
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `condition` (a JavaScript expression) is true on the current page.
    pub async fn wait_until(&self, what: &str, condition: &str) {
        let script = format!("return document.readyState === 'complete' && !!({condition});");
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Value::Bool(true)) = self.c.execute(&script, vec![]).await {
                return;
            }
            if Instant::now() > deadline {
                let body = self.text().await;
                panic!(
                    "[{}] waited for {what} ({condition}); the page at {} shows:\n{body}",
                    self.journey,
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the page's main heading to contain `text`.
    pub async fn expect_heading(&self, text: &str) {
        self.wait_until(
            &format!("a heading {text:?}"),
            &format!(
                "Array.from(document.querySelectorAll('h1')).some(h => h.innerText.includes({}))",
                json!(text)
            ),
        )
        .await;
    }

    /// Waits for `text` to be shown on the page.
    pub async fn expect_text(&self, text: &str) {
        self.wait_until(
            &format!("the text {text:?}"),
            &format!(
                "document.body && document.body.innerText.includes({})",
                json!(text)
            ),
        )
        .await;
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.c
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Saves a PNG of the viewport as `target/browser-screenshots/<journey>/<nn>-<name>.png`.
    pub async fn screenshot(&mut self, name: &str) {
        self.step += 1;
        let png = self.c.screenshot().await.expect("screenshot");
        let file = screenshot_dir()
            .join(&self.journey)
            .join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&file, png).expect("write screenshot");
    }

    pub async fn save_file(&mut self, name: &str, bytes: &[u8]) {
        self.step += 1;
        let file = screenshot_dir()
            .join(&self.journey)
            .join(format!("{:02}-{name}", self.step));
        std::fs::write(&file, bytes).expect("write file");
    }

    /// Runs axe-core on the page with the WCAG 2.2 A and AA tags and returns what it found.
    pub async fn axe(&self) -> Vec<Violation> {
        let loaded = self
            .js("return typeof window.axe === 'object'", vec![])
            .await;
        if loaded != Value::Bool(true) {
            self.js(&self.axe_source, vec![]).await;
        }
        let script = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then(r => done(JSON.stringify(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })) })))))
  .catch(e => done(JSON.stringify({ error: String(e) })));
"#;
        let out = self
            .c
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .expect("run axe");
        let text = out.as_str().expect("axe result as JSON text");
        serde_json::from_str(text).unwrap_or_else(|e| panic!("axe failed: {e}: {text}"))
    }

    /// Fails the test if axe finds anything on the page.
    pub async fn assert_accessible(&self, page: &str) {
        let v = self.axe().await;
        assert!(
            v.is_empty(),
            "axe-core found WCAG 2.2 A/AA violations:\n{}",
            describe(page, &v)
        );
    }

    // ----- keyboard --------------------------------------------------------------------------

    async fn keys(&self, actions: KeyActions) {
        self.c
            .perform_actions(actions)
            .await
            .expect("keyboard input");
    }

    /// Presses and releases one key.
    pub async fn press(&self, key: Key) {
        let k: char = key.into();
        self.keys(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: k })
                .then(KeyAction::Up { value: k }),
        )
        .await;
    }

    /// Types `text` into whatever has focus, key by key.
    pub async fn type_text(&self, text: &str) {
        let mut a = KeyActions::new("keyboard".into());
        for ch in text.chars() {
            a = a
                .then(KeyAction::Down { value: ch })
                .then(KeyAction::Up { value: ch });
        }
        self.keys(a).await;
    }

    /// Selects everything in the focused field (Ctrl+A) and types `text` over it.
    pub async fn replace_text(&self, text: &str) {
        let ctrl: char = Key::Control.into();
        self.keys(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: ctrl })
                .then(KeyAction::Down { value: 'a' })
                .then(KeyAction::Up { value: 'a' })
                .then(KeyAction::Up { value: ctrl }),
        )
        .await;
        if text.is_empty() {
            self.press(Key::Backspace).await;
        } else {
            self.type_text(text).await;
        }
    }

    /// What has focus now.
    pub async fn focus(&self) -> Focus {
        let v = self.js(FOCUS_JS, vec![]).await;
        serde_json::from_value(v).expect("focus description")
    }

    /// Fails unless the focused element shows a focus indicator, inside the viewport, with
    /// nothing (a sticky header, say) on top of it.
    pub fn assert_focus_visible(&self, f: &Focus) {
        assert!(
            f.indicator,
            "[{}] focus on {} has no visible indicator ({})",
            self.journey,
            f.describe(),
            f.style
        );
        assert!(
            f.in_view,
            "[{}] focus on {} is outside the viewport",
            self.journey,
            f.describe()
        );
        assert!(
            f.covered_by.is_empty(),
            "[{}] focus on {} is hidden under {}",
            self.journey,
            f.describe(),
            f.covered_by
        );
    }

    /// Presses Tab until `wanted` has focus, checking at every stop that focus is visible and
    /// not hidden. Fails, listing the stops, if it never gets there.
    pub async fn tab_to(&self, what: &str, wanted: impl Fn(&Focus) -> bool) -> Focus {
        let mut stops = vec![];
        for _ in 0..250 {
            self.press(Key::Tab).await;
            let f = self.focus().await;
            if f.tag != "body" {
                self.assert_focus_visible(&f);
            }
            if wanted(&f) {
                return f;
            }
            stops.push(f.describe());
        }
        panic!(
            "[{}] pressed Tab 250 times on {} and never reached {what}; stops:\n{}",
            self.journey,
            self.path().await,
            stops.join("\n")
        );
    }

    /// Tabs to the field with this id.
    pub async fn tab_to_field(&self, id: &str) -> Focus {
        self.tab_to(&format!("#{id}"), |f| f.id == id).await
    }

    /// Tabs to a link or button whose text contains `text`.
    pub async fn tab_to_control(&self, text: &str) -> Focus {
        self.tab_to(&format!("a link or button {text:?}"), |f| {
            matches!(f.tag.as_str(), "a" | "button") && f.text.contains(text)
        })
        .await
    }

    /// Tabs to the field `id` and types `text` into it (over anything already there).
    pub async fn fill_by_keyboard(&self, id: &str, text: &str) {
        self.tab_to_field(id).await;
        self.replace_text(text).await;
    }

    /// Tabs to the link or button `text` and presses Enter.
    pub async fn activate(&self, text: &str) {
        self.tab_to_control(text).await;
        self.press(Key::Enter).await;
    }

    // ----- pointer (for the journeys not driven by keyboard) ---------------------------------

    pub async fn fill(&self, id: &str, text: &str) {
        let el = self
            .c
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no field #{id} on {}: {e}", self.journey));
        el.clear().await.expect("clear");
        el.send_keys(text).await.expect("type");
    }

    pub async fn choose(&self, id: &str, value: &str) {
        let el = self
            .c
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no select #{id}: {e}"));
        el.select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in #{id}: {e}"));
    }

    pub async fn click_button(&self, text: &str) {
        let xpath = format!(
            "//button[contains(normalize-space(.), {})]",
            xpath_str(text)
        );
        self.c
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?} on {}: {e}", self.journey))
            .click()
            .await
            .expect("click");
    }

    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[contains(normalize-space(.), {})]", xpath_str(text));
        self.c
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?} on {}: {e}", self.journey))
            .click()
            .await
            .expect("click");
    }

    /// Signs in through the form (pointer), and waits for the landing page.
    pub async fn sign_in(&self, email: &str) {
        self.goto("/login").await;
        self.expect_heading("Sign in").await;
        self.fill("email", email).await;
        self.fill("password", PASSWORD).await;
        self.click_button("Sign in").await;
        self.wait_until(
            "the landing page after signing in",
            "location.pathname !== '/login'",
        )
        .await;
    }

    pub async fn sign_out(&self) {
        self.click_button("Sign out").await;
        self.expect_heading("Sign in").await;
    }
}

/// A string as an XPath literal.
pub fn xpath_str(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else {
        format!("\"{s}\"")
    }
}
