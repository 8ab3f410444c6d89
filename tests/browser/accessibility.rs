//! axe-core on every page template and state, and the pages at narrow widths (reflow).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::harness::{self, Browser, Server, describe};
use crate::support::{PASSWORD, TestApp};

/// The ids the page list needs from the demo authority.
pub struct Demo {
    /// Sofia (BAR-1008): Priya's, an approved plan and the version before it.
    pub sofia: String,
    pub sofia_plans: Vec<String>,
    /// Jay (BAR-1002): Priya's, a first draft that fails every check.
    pub jay_plan: String,
    /// Leah (BAR-1003): Priya's, no plan yet.
    pub leah: String,
    /// Yusuf (BAR-1005): Sam's, a plan waiting for approval.
    pub yusuf: String,
    pub yusuf_submitted: String,
    /// Danny (BAR-1009): Sam's, audited.
    pub danny: String,
    pub danny_audit: String,
    pub priya: String,
    /// Noah (BAR-1013): in the team, waiting for a personal adviser.
    pub noah: String,
}

pub async fn plans_of(app: &TestApp, person: &str) -> Vec<pathway::entities::plan::Model> {
    use pathway::entities::plan;
    plan::Entity::find()
        .filter(plan::Column::YoungPersonId.eq(person))
        .order_by_asc(plan::Column::VersionNo)
        .all(&app.state.db)
        .await
        .expect("plans")
}

impl Demo {
    pub async fn load(app: &TestApp) -> Demo {
        use pathway::entities::case_audit;
        let sofia = app.young_person_id("BAR-1008").await;
        let jay = app.young_person_id("BAR-1002").await;
        let yusuf = app.young_person_id("BAR-1005").await;
        let danny = app.young_person_id("BAR-1009").await;
        let sofia_plans = plans_of(app, &sofia)
            .await
            .into_iter()
            .map(|p| p.id)
            .collect();
        let jay_plan = plans_of(app, &jay).await.remove(0).id;
        let yusuf_submitted = plans_of(app, &yusuf)
            .await
            .into_iter()
            .find(|p| p.status == "submitted")
            .expect("Yusuf's submitted plan")
            .id;
        let danny_audit = case_audit::Entity::find()
            .filter(case_audit::Column::YoungPersonId.eq(danny.clone()))
            .one(&app.state.db)
            .await
            .expect("query")
            .expect("Danny's audit")
            .id;
        Demo {
            sofia,
            sofia_plans,
            jay_plan,
            leah: app.young_person_id("BAR-1003").await,
            yusuf,
            yusuf_submitted,
            danny,
            danny_audit,
            priya: app.user_id("adviser@demo.test").await,
            noah: app.young_person_id("BAR-1013").await,
        }
    }
}

/// Runs axe on page after page and keeps every finding, so one run lists them all.
struct Sweep {
    b: Browser,
    found: String,
    checked: Vec<String>,
}

impl Sweep {
    /// Checks the page the browser shows now.
    async fn check(&mut self, label: &str) {
        self.b.wait_until("the page to load", "true").await;
        let v = self.b.axe().await;
        self.found.push_str(&describe(label, &v));
        self.checked
            .push(format!("{label} ({})", self.b.path().await));
        self.b.screenshot(label).await;
    }

    /// Opens `path`, waits for `expect` on it, and checks it.
    async fn page(&mut self, label: &str, path: &str, expect: &str) {
        self.b.goto(path).await;
        self.b.expect_text(expect).await;
        self.check(label).await;
    }

    /// Submits the page's main form as it is (pointer), waits for the error summary, checks it.
    async fn errors(&mut self, label: &str, button: &str) {
        self.b.click_button(button).await;
        self.b.expect_text("There is a problem").await;
        self.check(label).await;
    }

    async fn sign_in(&mut self, email: &str) {
        self.b.sign_in(email).await;
    }

    async fn sign_out(&mut self) {
        self.b.sign_out().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_template_and_state_has_no_wcag_22_aa_violations() {
    if !harness::available("axe sweep") {
        return;
    }
    let server = Server::start().await;
    let d = Demo::load(&server.app).await;
    // An adviser with nobody allocated yet, for the empty caseload.
    let team = pathway::services::users::find_by_email(&server.app.state, "adviser@demo.test")
        .await
        .expect("query")
        .expect("Priya")
        .team_id;
    pathway::services::users::create(
        &server.app.state,
        pathway::services::users::NewUser {
            email: "new.adviser@demo.test".into(),
            name: "Nia Newman".into(),
            password: PASSWORD.into(),
            role: pathway::auth::Role::Adviser,
            is_admin: false,
            team_id: team,
        },
    )
    .await
    .expect("new adviser");
    let b = harness::browser("axe-pages", &server)
        .await
        .expect("browser");
    let mut s = Sweep {
        b,
        found: String::new(),
        checked: vec![],
    };

    // The checker finds what it should: a field with no label and an image with no text.
    s.b.goto("/login").await;
    s.b.expect_heading("Sign in").await;
    s.b.js(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\"><img src=\"/assets/app.css\">')",
        vec![],
    )
    .await;
    let broken: Vec<String> = s.b.axe().await.into_iter().map(|v| v.id).collect();
    assert!(
        broken.contains(&"label".to_string()) && broken.contains(&"image-alt".to_string()),
        "axe-core should find the broken field and image, found {broken:?}"
    );

    // Nobody signed in.
    s.page("login", "/login", "Sign in").await;
    s.b.fill("email", "adviser@demo.test").await;
    s.b.fill("password", "not the password").await;
    s.errors("login-error", "Sign in").await;
    s.page(
        "accessibility-statement-signed-out",
        "/accessibility",
        "Accessibility statement",
    )
    .await;
    s.page("not-found-signed-out", "/no-such-page", "Page not found")
        .await;

    // A personal adviser.
    s.sign_in("adviser@demo.test").await;
    s.page(
        "caseload",
        "/caseload",
        "young people, the most urgent first",
    )
    .await;
    let sofia = format!("/young-people/{}", d.sofia);
    s.page("young-person", &sofia, "Transition timeline").await;
    s.page(
        "young-person-timeline-error",
        &format!("{sofia}?as_of=not-a-date"),
        "Transition timeline",
    )
    .await;
    s.page("young-person-new", "/young-people/new", "Given name")
        .await;
    s.errors("young-person-new-errors", "Add young person")
        .await;
    s.page("young-person-edit", &format!("{sofia}/edit"), "Given name")
        .await;
    for kind in [
        "episode",
        "parent-period",
        "accommodation",
        "allocation",
        "event",
        "oc3",
    ] {
        s.page(
            &format!("record-{kind}"),
            &format!("{sofia}/add/{kind}"),
            "Back",
        )
        .await;
    }
    s.b.goto(&format!("{sofia}/add/event")).await;
    s.b.expect_text("Back").await;
    s.errors("record-event-errors", "Record event").await;
    s.page(
        "plans-list",
        &format!("{sofia}/plans"),
        "Compare two versions",
    )
    .await;
    s.page(
        "plans-list-empty",
        &format!("/young-people/{}/plans", d.leah),
        "There is no plan yet",
    )
    .await;
    s.page(
        "plan-compare",
        &format!(
            "{sofia}/plans/compare?a={}&b={}",
            d.sofia_plans[0], d.sofia_plans[1]
        ),
        "side by side",
    )
    .await;
    s.page(
        "plan-approved",
        &format!("/plans/{}", d.sofia_plans[1]),
        "Pathway plan, version 2",
    )
    .await;
    s.page(
        "plan-young-persons-copy",
        &format!("/plans/{}/copy", d.sofia_plans[1]),
        "My pathway plan",
    )
    .await;
    let jay = format!("/plans/{}", d.jay_plan);
    s.page("plan-draft-failing-checks", &jay, "Quality checks")
        .await;
    s.errors("plan-submit-errors", "Submit for approval").await;
    for part in [
        "education",
        "assessment",
        "risks",
        "accommodation",
        "rights",
        "meetings",
        "agreement",
    ] {
        s.page(
            &format!("plan-edit-{part}"),
            &format!("{jay}/edit/{part}"),
            "Save as draft",
        )
        .await;
    }
    s.b.goto(&format!("{jay}/edit/education")).await;
    s.b.expect_text("Save as draft").await;
    s.b.fill("act_0_0_by", "next Tuesday").await;
    s.errors("plan-edit-errors", "Save as draft").await;
    s.page("account", "/account", "Your account").await;
    s.b.click_button("Save").await;
    s.b.expect_text("Your reminder setting has been saved")
        .await;
    s.check("account-saved").await;
    s.page(
        "own-supervision-record",
        &format!("/advisers/{}/supervision", d.priya),
        "Supervision",
    )
    .await;
    s.page("performance", "/performance", "Performance").await;
    let behind = s
        .b
        .js(
            "const a = document.querySelector('main a[href^=\"/performance/\"]'); return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await;
    let behind = behind
        .as_str()
        .expect("the performance page links to the people behind a figure")
        .to_string();
    s.page("performance-behind", &behind, "Back").await;
    // Someone else's pages are not found, rather than forbidden, so nothing is given away.
    s.page("admin-page-as-adviser", "/admin/users", "Page not found")
        .await;
    // A form whose token does not match the session is refused (403).
    s.page("account-again", "/account", "Your account").await;
    s.b.js(
        "document.querySelector('main input[name=\"csrf_token\"]').value = 'not-the-token'",
        vec![],
    )
    .await;
    s.b.click_button("Save").await;
    s.b.expect_heading("You cannot do that").await;
    s.check("forbidden-form-token").await;
    s.page(
        "not-found-signed-in",
        "/young-people/nobody",
        "Page not found",
    )
    .await;
    s.page(
        "accessibility-statement-signed-in",
        "/accessibility",
        "Accessibility statement",
    )
    .await;
    s.sign_out().await;

    s.sign_in("new.adviser@demo.test").await;
    s.page(
        "caseload-empty",
        "/caseload",
        "No young people are allocated to you yet",
    )
    .await;
    s.sign_out().await;

    // A team manager.
    s.sign_in("manager@demo.test").await;
    s.page("team", "/team", "Waiting for a personal adviser")
        .await;
    s.page(
        "allocate",
        &format!("/young-people/{}/allocate", d.noah),
        "Allocate a personal adviser",
    )
    .await;
    s.page(
        "caseload-adviser-late",
        "/caseload?adviser_late=1",
        "whose personal adviser came late",
    )
    .await;
    s.page("team-overdue", "/team/overdue", "Back").await;
    s.page("team-approvals", "/team/approvals", "Back").await;
    s.page("team-audit-actions", "/team/audit-actions", "Back")
        .await;
    s.page("supervision-new", "/supervision/new", "Record supervision")
        .await;
    s.errors("supervision-errors", "Save supervision").await;
    let yusuf = format!("/young-people/{}", d.yusuf);
    s.page(
        "decision-new",
        &format!("{yusuf}/oversight/decision"),
        "Record a management decision",
    )
    .await;
    s.errors("decision-errors", "Save").await;
    s.page(
        "guidance-new",
        &format!("{yusuf}/oversight/informal_guidance"),
        "Record informal guidance",
    )
    .await;
    s.page(
        "audit-new",
        &format!("{yusuf}/audits/new"),
        "Date of the audit",
    )
    .await;
    s.errors("audit-errors", "Save audit").await;
    s.page(
        "change-policy-date",
        &format!("{yusuf}/add/override"),
        "Back",
    )
    .await;
    s.page(
        "plan-awaiting-decision",
        &format!("/plans/{}", d.yusuf_submitted),
        "Management decision",
    )
    .await;
    s.errors("plan-approve-errors", "Approve the plan").await;
    s.page("audit-show", &format!("/audits/{}", d.danny_audit), "Back")
        .await;
    s.page(
        "young-person-manager",
        &format!("/young-people/{}", d.danny),
        "Chronology",
    )
    .await;
    s.sign_out().await;

    // A senior manager.
    s.sign_in("senior@demo.test").await;
    s.page("returns", "/returns/ssda903", "SSDA903").await;
    s.page(
        "audit-moderate",
        &format!("/audits/{}/moderate", d.danny_audit),
        "Back",
    )
    .await;
    // Disagreeing needs a different grade and a reason.
    s.b.choose("agrees", "no").await;
    s.errors("audit-moderate-errors", "Save moderation").await;
    s.sign_out().await;

    // An administrator.
    s.sign_in("admin@demo.test").await;
    s.page("admin-users", "/admin/users", "Users").await;
    s.page("admin-user-new", "/admin/users/new", "Email").await;
    s.errors("admin-user-new-errors", "Add user").await;
    s.page("admin-audit", "/admin/audit", "Audit log").await;
    s.page("admin-emails", "/admin/emails", "Emails").await;
    s.sign_out().await;

    let Sweep { b, found, checked } = s;
    b.close().await;
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 A/AA violations on {} pages checked:\n{found}",
        checked.len()
    );
    // The list of pages checked, for the record (shown with --nocapture).
    println!("axe-core: no violations on {} pages:", checked.len());
    for c in &checked {
        println!("  {c}");
    }
}

/// WCAG 1.4.10 and 1.4.4: no horizontal scrolling of the page at 320 CSS pixels (400% zoom of a
/// 1280px window) or at 640 (200% zoom), and nothing clipped; wide tables scroll in their own
/// keyboard-reachable region, which WCAG allows for data tables.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_reflow_at_320_and_640_css_pixels() {
    if !harness::available("reflow") {
        return;
    }
    let server = Server::start().await;
    let d = Demo::load(&server.app).await;
    let mut b = harness::browser_sized("reflow", &server, 320, 900)
        .await
        .expect("browser");
    let pages: Vec<(&str, String, &str)> = vec![
        ("caseload", "/caseload".into(), "adviser@demo.test"),
        (
            "young-person",
            format!("/young-people/{}", d.sofia),
            "adviser@demo.test",
        ),
        (
            "plan",
            format!("/plans/{}", d.jay_plan),
            "adviser@demo.test",
        ),
        (
            "plan-edit",
            format!("/plans/{}/edit/education", d.jay_plan),
            "adviser@demo.test",
        ),
        (
            "plan-copy",
            format!("/plans/{}/copy", d.sofia_plans[1]),
            "adviser@demo.test",
        ),
        ("performance", "/performance".into(), "adviser@demo.test"),
        (
            "accessibility",
            "/accessibility".into(),
            "adviser@demo.test",
        ),
        ("team", "/team".into(), "manager@demo.test"),
        (
            "audit",
            format!("/audits/{}", d.danny_audit),
            "manager@demo.test",
        ),
        ("returns", "/returns/ssda903".into(), "senior@demo.test"),
        ("admin-users", "/admin/users".into(), "admin@demo.test"),
        ("admin-audit", "/admin/audit".into(), "admin@demo.test"),
    ];
    let mut problems = String::new();
    let mut axe_found = String::new();
    for width in [320u32, 640] {
        set_viewport_width(&b, width).await;
        b.goto("/login").await;
        b.expect_heading("Sign in").await;
        problems.push_str(&overflow(&b, &format!("login@{width}")).await);
        let mut who = "";
        for (label, path, user) in &pages {
            if *user != who {
                if !who.is_empty() {
                    b.sign_out().await;
                }
                b.sign_in(user).await;
                who = user;
            }
            b.goto(path).await;
            b.wait_until("the page to load", "document.querySelector('h1')")
                .await;
            let label = format!("{label}@{width}");
            problems.push_str(&overflow(&b, &label).await);
            if width == 320 {
                axe_found.push_str(&describe(&label, &b.axe().await));
            }
            b.screenshot(&label).await;
        }
        b.sign_out().await;
    }
    b.close().await;
    assert!(
        problems.is_empty(),
        "content is lost or scrolls sideways at narrow widths:\n{problems}"
    );
    assert!(
        axe_found.is_empty(),
        "axe-core found WCAG 2.2 A/AA violations at 320 CSS pixels:\n{axe_found}"
    );
}

/// Makes the page's layout viewport `width` CSS pixels wide (the window is a little wider than
/// its viewport; the difference is measured, not assumed).
async fn set_viewport_width(b: &Browser, width: u32) {
    let mut window = width;
    for _ in 0..4 {
        b.c.set_window_size(window, 900)
            .await
            .expect("resize window");
        let inner = b.js("return window.innerWidth", vec![]).await;
        let inner = inner.as_u64().unwrap_or(0) as u32;
        if inner == width {
            return;
        }
        window = (window + width).saturating_sub(inner);
    }
    panic!("the browser would not make the viewport {width} CSS pixels wide");
}

/// What scrolls sideways or is cut off on the current page.
async fn overflow(b: &Browser, label: &str) -> String {
    let out = b
        .js(
            r#"
const de = document.documentElement;
const problems = [];
if (de.scrollWidth > de.clientWidth) {
  // Name the widest things that stick out past the right edge.
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > de.clientWidth + 1 && (!(e.parentElement && e.parentElement.closest('.app-table-container')) || /absolute|fixed/.test(getComputedStyle(e).position)))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
  problems.push(`the page is ${de.scrollWidth}px wide in a ${de.clientWidth}px viewport: ${wide.join(', ')}`);
}
for (const c of document.querySelectorAll('.app-table-container')) {
  if (c.scrollWidth > c.clientWidth && c.tabIndex < 0) {
    problems.push('a table scrolls sideways but its region cannot be reached with the keyboard');
  }
}
for (const e of document.querySelectorAll('main *')) {
  const cs = getComputedStyle(e);
  if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('app-visually-hidden')) {
    problems.push('content is cut off in ' + e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
  }
}
return problems;
"#,
            vec![],
        )
        .await;
    out.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str())
                .map(|p| format!("  [{label}] {p}\n"))
                .collect()
        })
        .unwrap_or_default()
}

/// Every Tab stop on each kind of page shows where focus is, inside the window and not under
/// anything else (WCAG 2.4.7 and 2.4.11), and the first stop is the skip link (2.4.1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_is_visible_at_every_tab_stop() {
    if !harness::available("focus at every tab stop") {
        return;
    }
    let server = Server::start().await;
    let d = Demo::load(&server.app).await;
    let b = harness::browser("focus-every-stop", &server)
        .await
        .expect("browser");
    let pages: Vec<(&str, String)> = vec![
        ("", "/login".into()),
        ("", "/accessibility".into()),
        ("adviser@demo.test", "/caseload".into()),
        ("adviser@demo.test", format!("/young-people/{}", d.sofia)),
        ("adviser@demo.test", format!("/plans/{}", d.jay_plan)),
        (
            "adviser@demo.test",
            format!("/plans/{}/edit/accommodation", d.jay_plan),
        ),
        ("adviser@demo.test", "/account".into()),
        ("adviser@demo.test", "/performance".into()),
        ("manager@demo.test", "/team".into()),
        ("manager@demo.test", format!("/plans/{}", d.yusuf_submitted)),
        ("admin@demo.test", "/admin/users".into()),
    ];
    // The check itself: it notices a focus style taken away, and a fixed banner on top. (Through
    // the CSS object model: the page's CSP refuses inline styles.)
    b.goto("/login").await;
    b.expect_heading("Sign in").await;
    b.js(
        "const sheet = document.styleSheets[0]; sheet.insertRule('*:focus { outline: none !important; background: none !important; box-shadow: none !important; }', sheet.cssRules.length); document.getElementById('email').focus();",
        vec![],
    )
    .await;
    let bare = b.focus().await;
    assert!(
        !bare.indicator,
        "a missing focus style is noticed: {}",
        bare.style
    );
    b.goto("/login").await;
    b.expect_heading("Sign in").await;
    b.js(
        "const d = document.createElement('div'); d.style.cssText = 'position: fixed; inset: 0; background: #fff'; document.body.append(d); document.getElementById('email').focus();",
        vec![],
    )
    .await;
    let hidden = b.focus().await;
    assert!(
        !hidden.covered_by.is_empty(),
        "a banner over the focus is noticed"
    );

    let mut who = "";
    let mut stops = 0;
    for (user, path) in &pages {
        if *user != who {
            if !who.is_empty() {
                b.sign_out().await;
            }
            if !user.is_empty() {
                b.sign_in(user).await;
            }
            who = user;
        }
        b.goto(path).await;
        b.wait_until("the page to load", "document.querySelector('h1')")
            .await;
        // Tab from the top of the page until focus leaves the page.
        let first = b.tab_to("the first stop", |_| true).await;
        assert_eq!(
            first.text, "Skip to main content",
            "{path}: the first Tab stop is the skip link"
        );
        let mut seen = 1;
        loop {
            b.press(fantoccini::key::Key::Tab).await;
            let f = b.focus().await;
            if f.tag == "body" || f.text == "Skip to main content" {
                break;
            }
            b.assert_focus_visible(&f);
            seen += 1;
            assert!(seen < 400, "{path}: focus never left the page");
        }
        stops += seen;
    }
    b.close().await;
    println!(
        "focus visible at {stops} Tab stops on {} pages",
        pages.len()
    );
}
