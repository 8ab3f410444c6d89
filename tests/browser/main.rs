//! Real-browser tests: Debian's Chromium, headless, driven through chromedriver.
//!
//! Each test starts the production router on a loopback port with its own seeded database (SQLite
//! by default, PostgreSQL when `TEST_DATABASE_URL` is set) and its own browser session:
//!
//! - `journeys`: the adviser's plan journey by keyboard alone; a manager returning and approving
//!   a plan, and the young person's copy; supervision, guidance and a case audit reaching the
//!   chronology; sign-out, the back button and an idle session.
//! - `accessibility`: axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) on every page template and state,
//!   the pages at 320 and 640 CSS pixels wide, and visible focus.
//!
//! Screenshots of each step go to `target/browser-screenshots/<test>/`. See `harness` for what
//! the tests need on the machine, and how they are skipped on one without a browser.

#[path = "../it/support/mod.rs"]
mod support;

mod accessibility;
mod harness;
mod journeys;
