//! The TUI driven headless: actions in, state and screens out. Screens are insta snapshots
//! of ratatui's TestBackend at 80x24 (English and Japanese) and 60x20.

use lambda_doctor::evidence::Snapshot;
use lambda_doctor::i18n::Lang;
use lambda_doctor::tree::walk::How;
use lambda_doctor::tui::action::{Action, Effect};
use lambda_doctor::tui::app::{App, Focus, Options, Origin, Screen, Tab};
use lambda_doctor::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_app(lang: Lang, size: (u16, u16)) -> App {
    let (app, effects) = App::new(Options {
        lang,
        snapshot: Some((Snapshot::demo(), Origin::Demo)),
        size,
        color: false,
        export_dir: std::env::temp_dir(),
        ..Options::default()
    });
    assert!(effects.is_empty(), "the demo needs no I/O: {effects:?}");
    app
}

/// The screen as text, one line per row: wide characters once (not followed by the blank
/// cell ratatui keeps behind them), trailing spaces trimmed.
fn screen(app: &App) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| view::draw(app, f)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn inspect(app: &mut App, name: &str) {
    for _ in 0..3 {
        if app.focus != Focus::Functions {
            app.update(Action::NextFocus);
        }
    }
    assert_eq!(app.focus, Focus::Functions);
    let i = app
        .functions
        .iter()
        .position(|r| r.name == name)
        .expect("function in the demo");
    for _ in 0..i {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    assert_eq!(app.screen(), Screen::Inspector);
}

/// A connection that worked but whose caller identity did not answer.
fn connected_anonymously(region: &str) -> Action {
    Action::Connected(Ok(lambda_doctor::tui::action::Connection {
        region: region.into(),
        profile: None,
        caller: None,
        account: None,
    }))
}

/// Enter (the highlighted answer: the likely one) until the walk reaches a fix.
fn walk_to_fix(app: &mut App) -> usize {
    let mut presses = 0;
    while !app.walk.as_ref().expect("walking").diag.walk.at_fix() {
        app.update(Action::Enter);
        presses += 1;
        assert!(presses < 20, "the walk does not end");
    }
    presses
}

const PASS_ROLE: &str = "An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/thumbnailer-role because no identity-based policy allows the iam:PassRole action";

/// One path per category: the message, the function open in the inspector first (when the
/// message names none), the fix the walk must reach, and the checks the demo's evidence
/// must answer on the way.
struct Case {
    category: &'static str,
    message: &'static str,
    inspect: Option<&'static str>,
    fix: &'static str,
    checks: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        category: "identity_not_authorized",
        message: "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:orders-api because no identity-based policy allows the lambda:GetFunction action",
        inspect: None,
        fix: "grant-lambda-action",
        checks: &[],
    },
    Case {
        category: "pass_role",
        message: PASS_ROLE,
        inspect: None,
        fix: "pass-role-allow",
        checks: &[],
    },
    Case {
        category: "invoke_permission",
        message: "User: arn:aws:sts::123456789012:assumed-role/web/session is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:public-hook because no resource-based policy allows the lambda:InvokeFunction action",
        inspect: None,
        fix: "invoke-identity-allow",
        checks: &[],
    },
    Case {
        category: "execution_role_trust",
        message: "An error occurred (InvalidParameterValueException) when calling the UpdateFunctionConfiguration operation: The role defined for the function cannot be assumed by Lambda.",
        inspect: Some("thumbnailer"),
        fix: "trust-policy-fix",
        checks: &["role.missing", "role.trust"],
    },
    Case {
        category: "vpc_eni",
        message: "Resource handler returned message: \"The provided execution role does not have permissions to call CreateNetworkInterface on EC2\"",
        inspect: Some("vpc-sync"),
        fix: "vpc-managed-policy",
        checks: &["role.vpc", "role.boundary"],
    },
    Case {
        category: "execution_role_missing_permission",
        message: "User: arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders because no identity-based policy allows the dynamodb:PutItem action",
        inspect: None,
        fix: "code-allow-action",
        checks: &[],
    },
    Case {
        category: "cloudwatch_logs",
        message: "User: arn:aws:sts::123456789012:assumed-role/report-builder-role/report-builder is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/report-builder because no identity-based policy allows the logs:CreateLogGroup action",
        inspect: None,
        fix: "logs-basic-execution",
        checks: &["role.logs", "role.boundary"],
    },
    Case {
        category: "event_source_mapping",
        message: "The provided execution role does not have permissions to call ReceiveMessage on SQS (Service: AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException)",
        inspect: Some("queue-worker"),
        fix: "esm-sqs",
        checks: &["role.event_source", "role.boundary"],
    },
    Case {
        category: "kms",
        message: "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedException",
        inspect: Some("legacy-admin"),
        fix: "exec-boundary-fix",
        checks: &["role.kms", "role.boundary"],
    },
    Case {
        category: "cross_account_assume_role",
        message: "User: arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/reporting",
        inspect: None,
        fix: "assume-role-trust-side",
        checks: &[],
    },
    Case {
        category: "layer_access",
        message: "An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: lambda:GetLayerVersion on resource: arn:aws:lambda:us-east-1:210987654321:layer:tools:3 because no resource-based policy allows the lambda:GetLayerVersion action",
        inspect: None,
        fix: "layer-owner-permission",
        checks: &[],
    },
    Case {
        category: "ecr_image_access",
        message: "Resource handler returned message: \"Lambda does not have permission to access the ECR image. Check the ECR permissions.\"",
        inspect: Some("orders-api"),
        fix: "ecr-repo-policy-same",
        checks: &[],
    },
    Case {
        category: "function_url_auth",
        message: "{\"Message\": \"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html\"}",
        inspect: Some("public-hook"),
        fix: "url-none",
        checks: &["resource.url_public"],
    },
    Case {
        category: "other_permission",
        message: "An error occurred (ValidationException) when calling the PutRule operation: Provided role 'arn:aws:iam::123456789012:role/events-invoke' cannot be assumed by principal 'events.amazonaws.com'",
        inspect: None,
        fix: "other-generic",
        checks: &[],
    },
];

fn checks_answered(app: &App) -> Vec<String> {
    app.walk
        .as_ref()
        .expect("walking")
        .diag
        .walk
        .path()
        .iter()
        .filter_map(|s| match &s.how {
            How::Check { id, .. } => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_category_walks_from_a_paste_to_a_copied_fix() {
    let mut categories: Vec<&str> = Vec::new();
    for c in CASES {
        let mut app = demo_app(Lang::En, (80, 24));
        if let Some(name) = c.inspect {
            inspect(&mut app, name);
            app.update(Action::Back);
            assert_eq!(app.screen(), Screen::Home);
        }
        let effects = app.update(Action::Paste(c.message.to_string()));
        assert!(effects.is_empty(), "offline: no reads");
        assert_eq!(app.screen(), Screen::Findings, "{}", c.category);
        assert_eq!(app.findings[0].category.as_str(), c.category);
        app.update(Action::Enter);
        assert_eq!(app.screen(), Screen::Walk);
        walk_to_fix(&mut app);
        let w = app.walk.as_ref().expect("walking");
        assert_eq!(w.diag.fix_node().id, c.fix, "{}", c.category);
        assert_eq!(checks_answered(&app), c.checks, "{}", c.category);
        // Evidence lines of automatic answers are on the fix.
        let text = screen(&app);
        assert!(text.contains("lambda-doctor › Fix"), "{text}");
        let copied = app.update(Action::Copy);
        let [Effect::Copy(block)] = copied.as_slice() else {
            panic!("{}: y copies: {copied:?}", c.category)
        };
        assert!(!block.trim().is_empty());
        categories.push(c.category);
    }
    let mut all: Vec<&str> = lambda_doctor::recognize::Category::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    all.sort();
    categories.sort();
    assert_eq!(categories, all, "one path per category");
}

#[test]
fn a_symptom_walk_uses_the_inspected_function() {
    let mut app = demo_app(Lang::En, (80, 24));
    inspect(&mut app, "legacy-admin");
    app.update(Action::Back);
    app.update(Action::PrevFocus);
    assert_eq!(app.focus, Focus::Symptoms);
    let i = app
        .tree()
        .index
        .symptoms
        .iter()
        .position(|s| s.id == "deprecated-policy")
        .expect("symptom");
    for _ in 0..i {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    let w = app.walk.as_ref().expect("walking");
    assert_eq!(w.function.as_deref(), Some("legacy-admin"));
    assert_eq!(w.symptom.as_deref(), Some("deprecated-policy"));
    assert!(screen(&app).contains("Migrate off AWSLambdaFullAccess/ReadOnlyAccess"));
    assert_eq!(checks_answered(&app), vec!["policy.deprecated"]);
    let text = screen(&app);
    assert!(text.contains("(from the account)"), "{text}");
    walk_to_fix(&mut app);
}

#[test]
fn pass_role_from_paste_to_copied_policy_in_three_keys() {
    let mut app = demo_app(Lang::En, (80, 24));
    app.update(Action::Paste(PASS_ROLE.into()));
    // Keys after the paste: Enter (walk), Enter (the likely answer), y (copy).
    app.update(Action::Enter);
    app.update(Action::Enter);
    let effects = app.update(Action::Copy);
    let [Effect::Copy(policy)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let v: serde_json::Value = serde_json::from_str(policy).expect("the copied block is JSON");
    let st = &v["Statement"][0];
    assert_eq!(st["Action"], "iam:PassRole");
    assert_eq!(
        st["Resource"],
        "arn:aws:iam::123456789012:role/thumbnailer-role"
    );
    assert_eq!(
        st["Condition"]["StringEquals"]["iam:PassedToService"],
        "lambda.amazonaws.com"
    );
    assert!(
        matches!(&app.message, Some(lambda_doctor::tui::app::Message::Info(m)) if m.contains("Copied the policy (")),
        "{:?}",
        app.message
    );
    // Tab moves to the change commands; y copies those instead.
    app.update(Action::NextFocus);
    let effects = app.update(Action::Copy);
    let [Effect::Copy(cmds)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(
        cmds.contains("aws iam put-user-policy --user-name deployer"),
        "{cmds}"
    );
    // b goes back to the question; the person can answer differently.
    app.update(Action::Previous);
    assert!(!app.walk.as_ref().expect("walk").diag.walk.at_fix());
    app.update(Action::Choose(1));
    let w = app.walk.as_ref().expect("walk");
    assert_ne!(
        w.diag.fix_node().id,
        "pass-role-allow",
        "the other answer leads elsewhere"
    );
}

#[test]
fn export_writes_the_finding_path_evidence_fix_and_support_facts() {
    let mut app = demo_app(Lang::En, (80, 24));
    app.update(Action::Paste(CASES[6].message.into()));
    app.update(Action::Enter);
    walk_to_fix(&mut app);
    let effects = app.update(Action::Export);
    let [Effect::Export { path, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    assert!(
        name.starts_with("lambda-doctor-report-builder-") && name.ends_with(".md"),
        "{name}"
    );
    assert_eq!(path.parent(), Some(std::env::temp_dir().as_path()));
    for part in [
        "logs:CreateLogGroup",
        "### How we got here",
        "(from the account)",
        "### Evidence from the account",
        "not allowed: logs:CreateLogGroup",
        "AWSLambdaBasicExecutionRole",
        "## Facts for a support case",
        "| Function | `arn:aws:lambda:us-east-1:123456789012:function:report-builder` |",
        "demo account (fictional",
    ] {
        assert!(contents.contains(part), "missing {part:?} in:\n{contents}");
    }
    app.update(Action::Exported(Ok(path.clone())));
    assert!(screen(&app).contains("Report written to"));
}

#[test]
fn live_reads_run_in_the_background_and_stale_results_are_dropped() {
    use lambda_doctor::aws::FunctionSummary;
    use lambda_doctor::tui::action::Connection;
    let (mut app, effects) = App::new(Options {
        color: false,
        size: (100, 30),
        ..Options::default()
    });
    assert_eq!(effects, vec![Effect::Connect]);
    assert!(app.busy());
    assert!(screen(&app).contains("connecting"));
    let effects = app.update(Action::Connected(Ok(Connection {
        region: "us-east-1".into(),
        profile: Some("prod".into()),
        caller: Some("arn:aws:sts::123456789012:assumed-role/OnCall/me".into()),
        account: Some("123456789012".into()),
    })));
    let [Effect::ListFunctions(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let demo = Snapshot::demo();
    let list: Vec<FunctionSummary> = demo
        .functions
        .iter()
        .map(|f| FunctionSummary {
            name: f.config.name.clone(),
            arn: f.config.arn.clone(),
            runtime: f.config.runtime.clone(),
            role: f.config.role.clone(),
        })
        .collect();
    app.update(Action::Functions(*job, Ok(list)));
    assert_eq!(app.functions.len(), 9);
    let text = screen(&app);
    assert!(
        text.contains("prod · us-east-1 · 123456789012 assumed-role/OnCall/me · en"),
        "{text}"
    );
    // A paste naming a function reads it ahead.
    let effects = app.update(Action::Paste(CASES[6].message.into()));
    let [Effect::ReadFunction(first, name)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(name, "report-builder");
    app.update(Action::Enter);
    assert!(
        app.walk_waiting(),
        "the walk waits at the role.logs question"
    );
    assert!(screen(&app).contains("Checking with evidence from report-builder"));
    // The person asks again (r in the inspector); the first answer is then stale.
    app.update(Action::Back);
    app.update(Action::Back);
    inspect(&mut app, "report-builder");
    let effects = app.update(Action::Refresh);
    let [Effect::ReadFunction(second, _)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_ne!(first, second);
    let ev = demo
        .function("report-builder", "demo")
        .expect("demo")
        .clone();
    app.update(Action::FunctionRead(
        *first,
        name.clone(),
        Err("stale".into()),
    ));
    assert!(app.loading("report-builder"), "a stale result is dropped");
    app.update(Action::FunctionRead(
        *second,
        name.clone(),
        Ok(Box::new(ev)),
    ));
    assert!(!app.busy());
    let report = app
        .inspector
        .as_ref()
        .and_then(|i| i.report.as_ref())
        .expect("checked");
    assert_eq!(report.findings[0].outcome.id.as_str(), "role.logs");
    assert!(
        report
            .source
            .starts_with("live account, region us-east-1 as arn:aws:sts::")
    );
}

#[test]
fn a_failed_read_says_so_and_the_walk_asks() {
    let (mut app, _) = App::new(Options {
        color: false,
        ..Options::default()
    });
    app.update(connected_anonymously("eu-west-1"));
    let effects = app.update(Action::Paste(CASES[6].message.into()));
    let [Effect::ReadFunction(job, name)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    app.update(Action::Enter);
    app.update(Action::FunctionRead(
        *job,
        name.clone(),
        Err("AccessDenied: lambda:GetFunctionConfiguration".into()),
    ));
    assert!(!app.walk_waiting());
    let text = screen(&app);
    assert!(
        text.contains("Could not read report-builder: AccessDenied"),
        "the status bar says it: {text}"
    );
    assert!(text.contains("The evidence could not be read"), "{text}");
}

#[test]
fn offline_without_credentials_the_demo_is_one_key_away() {
    let (mut app, _) = App::new(Options {
        color: false,
        ..Options::default()
    });
    app.update(Action::Connected(Err(
        "no credentials: run aws configure or aws sso login".into(),
    )));
    let text = screen(&app);
    assert!(text.contains("offline"), "{text}");
    assert!(
        text.contains("(or Ctrl-d) for the demo"),
        "the function panel says how: {text}"
    );
    app.update(Action::Up);
    assert!(
        screen(&app).contains("Ctrl-d demo account"),
        "and the footer"
    );
    app.update(Action::LoadDemo);
    assert_eq!(app.origin, Origin::Demo);
    assert_eq!(app.functions.len(), 9);
    assert!(screen(&app).contains("Demo account loaded: 9 functions"));
}

#[test]
fn secrets_in_a_paste_never_reach_the_screen() {
    let mut app = demo_app(Lang::En, (80, 24));
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    app.update(Action::Paste(format!(
        "aws_secret_access_key = {secret}\n{PASS_ROLE}"
    )));
    assert!(!app.paste.text.contains(secret), "{}", app.paste.text);
    app.update(Action::Back);
    assert!(!screen(&app).contains(secret));
}

#[test]
fn junk_and_oversized_pastes_are_refused_in_one_line() {
    let mut app = demo_app(Lang::En, (80, 24));
    app.update(Action::Paste("\u{0}\u{1}\u{2}garbage \u{7f}\u{1b}".into()));
    assert_eq!(app.screen(), Screen::Home);
    assert!(
        matches!(&app.message, Some(lambda_doctor::tui::app::Message::Error(m)) if m.starts_with("No permission problem found"))
    );
    app.update(Action::ClearBox);
    app.update(Action::Paste(
        "x".repeat(lambda_doctor::tui::text::MAX_BOX + 1),
    ));
    assert!(app.paste.text.is_empty());
    assert!(screen(&app).contains("larger than 10 MiB"));
}

#[test]
fn q_types_in_the_box_and_quits_elsewhere() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    use lambda_doctor::tui::action_for;
    let mut app = demo_app(Lang::En, (80, 24));
    let q = Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE));
    let a = action_for(&app, q.clone()).expect("routed");
    assert_eq!(a, Action::Char('q'));
    app.update(a);
    assert_eq!(app.paste.text, "q");
    app.update(Action::NextFocus);
    let a = action_for(&app, q).expect("routed");
    assert_eq!(app.update(a), vec![Effect::Quit]);
    assert!(app.quit);
}

#[test]
fn language_switches_at_run_time() {
    let mut app = demo_app(Lang::En, (80, 24));
    inspect(&mut app, "thumbnailer");
    assert!(screen(&app).contains("The execution role does not trust Lambda"));
    app.update(Action::SwitchLang);
    assert_eq!(app.lang, Lang::Ja);
    let text = screen(&app);
    assert!(text.contains("チェック"), "{text}");
    app.update(Action::SwitchLang);
    assert_eq!(app.lang, Lang::ZhTw);
    app.update(Action::SwitchLang);
    assert_eq!(app.lang, Lang::En);
}

#[test]
fn help_lists_every_key_of_the_screen_below() {
    use lambda_doctor::tui::keys::{Context, bindings, keys_label};
    let mut app = demo_app(Lang::En, (80, 40));
    inspect(&mut app, "thumbnailer");
    app.update(Action::Help);
    let text = screen(&app);
    for b in bindings(Context::Inspector) {
        let label = keys_label(&b);
        let desc = lambda_doctor::tui::text::tui(b.desc, Lang::En);
        assert!(
            text.contains(&label) && text.contains(desc),
            "{label} {desc}:\n{text}"
        );
    }
    app.update(Action::Back);
    assert_eq!(app.screen(), Screen::Inspector);
}

#[test]
fn inspector_tabs_show_each_document() {
    let mut app = demo_app(Lang::En, (100, 60));
    inspect(&mut app, "queue-worker");
    let mut seen = Vec::new();
    for _ in 0..Tab::ALL.len() {
        app.update(Action::NextTab);
        seen.push((app.inspector.as_ref().expect("open").tab, screen(&app)));
    }
    let get = |t: Tab| {
        seen.iter()
            .find(|(x, _)| *x == t)
            .map(|(_, s)| s.clone())
            .expect("tab")
    };
    assert!(
        get(Tab::Config).contains("arn:aws:lambda:us-east-1:123456789012:function:queue-worker")
    );
    assert!(get(Tab::Role).contains("Trust policy"));
    assert!(get(Tab::Role).contains("\"lambda.amazonaws.com\""));
    assert!(
        get(Tab::Policies)
            .contains("managed: arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
            || get(Tab::Policies).contains("inline:"),
        "{}",
        get(Tab::Policies)
    );
    assert!(get(Tab::Triggers).contains("arn:aws:sqs:us-east-1:123456789012:jobs"));
    assert!(get(Tab::Checks).contains("role.event_source"));
}

/// Every screen, in one size and language, as insta snapshots named `<screen>_<suffix>`.
fn every_screen(lang: Lang, size: (u16, u16), suffix: &str) {
    let snap = |name: &str, app: &App| {
        insta::assert_snapshot!(format!("{name}_{suffix}"), screen(app));
    };
    // Home with the demo account, the box focused.
    let mut app = demo_app(lang, size);
    snap("home", &app);
    // Home while connecting, nothing to list yet.
    let (connecting, _) = App::new(Options {
        lang,
        size,
        color: false,
        ..Options::default()
    });
    snap("home_connecting", &connecting);
    // A paste with two problems: the findings list.
    app.update(Action::Paste(format!("{PASS_ROLE}\n{}", CASES[6].message)));
    snap("findings", &app);
    // The walk at a question, then its fix.
    app.update(Action::Enter);
    snap("walk_question", &app);
    walk_to_fix(&mut app);
    snap("fix", &app);
    app.update(Action::NextFocus);
    snap("fix_second_block", &app);
    // The walk of a finding answered from evidence.
    let mut logs = demo_app(lang, size);
    logs.update(Action::Paste(CASES[6].message.into()));
    logs.update(Action::Enter);
    snap("walk_from_evidence", &logs);
    // The inspector: checks, then every other tab.
    let mut insp = demo_app(lang, size);
    inspect(&mut insp, "queue-worker");
    snap("inspector_checks", &insp);
    for tab in ["config", "role", "policies", "resource", "triggers"] {
        insp.update(Action::NextTab);
        snap(&format!("inspector_{tab}"), &insp);
    }
    insp.update(Action::NextTab);
    insp.update(Action::Enter);
    snap("check_fix", &insp);
    insp.update(Action::Help);
    snap("help", &insp);
    // Too small.
    let mut small = demo_app(lang, size);
    small.update(Action::Resize(30, 8));
    snap("too_small", &small);
}

#[test]
fn screens_80x24_english() {
    every_screen(Lang::En, (80, 24), "80x24_en");
}

#[test]
fn screens_80x24_japanese() {
    every_screen(Lang::Ja, (80, 24), "80x24_ja");
}

#[test]
fn screens_60x20_english() {
    every_screen(Lang::En, (60, 20), "60x20_en");
}

#[test]
fn r_in_the_inspector_reconnects_after_a_failed_connection() {
    let (mut app, _) = App::new(Options {
        color: false,
        function: Some("orders-api".into()),
        ..Options::default()
    });
    assert_eq!(app.screen(), Screen::Inspector);
    assert!(app.loading("orders-api"), "waits for the connection");
    app.update(Action::Connected(Err(
        "no region: pass --region or set AWS_REGION".into(),
    )));
    assert!(screen(&app).contains("Could not read orders-api: no region"));
    assert_eq!(app.update(Action::Refresh), vec![Effect::Connect]);
    assert!(app.loading("orders-api"));
    let effects = app.update(connected_anonymously("us-east-1"));
    assert!(
        matches!(effects.as_slice(), [Effect::ListFunctions(_), Effect::ReadFunction(_, n)] if n == "orders-api"),
        "{effects:?}"
    );
}

#[test]
fn a_second_paste_replaces_the_first_and_esc_leaves_the_box() {
    let mut app = demo_app(Lang::En, (80, 24));
    app.update(Action::Paste(PASS_ROLE.into()));
    app.update(Action::Paste(PASS_ROLE.into()));
    assert_eq!(app.paste.text, PASS_ROLE, "not appended");
    assert_eq!(
        app.findings[0].resource.as_deref(),
        Some("arn:aws:iam::123456789012:role/thumbnailer-role")
    );
    app.update(Action::Back);
    assert_eq!(app.screen(), Screen::Home);
    assert_ne!(
        app.focus,
        Focus::Paste,
        "the next key is a command, not text"
    );
    assert_eq!(app.update(Action::Quit), vec![Effect::Quit]);
}

#[test]
fn copying_a_block_with_a_placeholder_says_what_to_replace() {
    assert_eq!(
        lambda_doctor::tui::app::placeholders(
            "arn:aws:lambda:<REGION>:1:function:<FUNCTION_NAME> <b> <REGION>"
        ),
        vec!["<REGION>", "<FUNCTION_NAME>"]
    );
    let mut app = demo_app(Lang::En, (80, 24));
    // No role in the message: the fix names <ROLE_NAME>.
    app.update(Action::Paste(
        "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole"
            .into(),
    ));
    app.update(Action::Enter);
    walk_to_fix(&mut app);
    app.update(Action::Copy);
    let text = screen(&app);
    assert!(text.contains("Replace <ROLE_NAME> before use"), "{text}");
}

/// The trust error pasted after opening thumbnailer (whose role does not trust Lambda), walked
/// to its fix.
fn trust_walk_on_thumbnailer() -> App {
    let mut app = demo_app(Lang::En, (80, 24));
    inspect(&mut app, "thumbnailer");
    app.update(Action::Back);
    app.update(Action::Paste(CASES[3].message.into()));
    app.update(Action::Enter);
    walk_to_fix(&mut app);
    app
}

#[test]
fn going_back_shows_how_the_question_had_been_answered() {
    let mut app = trust_walk_on_thumbnailer();
    app.update(Action::Previous);
    let text = screen(&app);
    assert!(text.contains("(before: from the"), "{text}");
    assert!(text.contains("The account had answered this"), "{text}");
    assert!(
        text.contains("· not allowed: lambda.amazonaws.com may sts:AssumeRole"),
        "{text}"
    );
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut app = demo_app(Lang::En, (80, 24));
    app.update(Action::NextFocus);
    app.update(Action::Resize(30, 8));
    app.update(Action::Down);
    assert_eq!(app.symptom, 0);
    app.update(Action::Resize(80, 24));
    app.update(Action::Down);
    assert_eq!(app.symptom, 1);
}

#[test]
fn the_trust_fix_in_the_app_starts_from_the_current_trust_policy() {
    let mut app = trust_walk_on_thumbnailer();
    assert!(
        screen(&app)
            .contains("Trust policy — the role's current one with the Lambda statement added")
    );
    let effects = app.update(Action::Copy);
    let [Effect::Copy(policy)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(
        policy.contains("ec2.amazonaws.com") && policy.contains("lambda.amazonaws.com"),
        "{policy}"
    );
}

#[test]
fn the_checks_tab_offers_one_proven_fix_for_everything() {
    for lang in Lang::ALL {
        let mut app = demo_app(lang, (100, 40));
        inspect(&mut app, "queue-worker");
        for _ in 0..5 {
            if app.inspector.as_ref().is_some_and(|i| i.tab == Tab::Checks) {
                break;
            }
            app.update(Action::NextTab);
        }
        let r = app
            .inspector
            .as_ref()
            .and_then(|i| i.report.clone())
            .expect("checked");
        let combined = r.combined.clone().expect("a combined fix");
        assert!(
            combined.verified.is_proven(),
            "{lang}: {:?}",
            combined.verified
        );
        // Past the findings: "fix everything".
        for _ in 0..r.findings.len() {
            app.update(Action::Down);
        }
        let text = screen(&app);
        let label = lambda_doctor::i18n::ui("check.combined", lang);
        assert!(text.contains(&format!("› [+] {label}")), "{lang}: {text}");
        app.update(Action::Enter);
        assert_eq!(app.screen(), Screen::CheckFix(r.findings.len()));
        let text = screen(&app);
        assert!(text.contains("lambda-doctor-fixes"), "{lang}: {text}");
        let proven = lambda_doctor::fix::render::status(lambda_doctor::fix::Status::Proven, lang);
        assert!(text.contains(proven), "{lang}: {text}");
        // The first block is the one inline policy with both queues' statements.
        let effects = app.update(Action::Copy);
        let [Effect::Copy(policy)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let doc: serde_json::Value = serde_json::from_str(policy).expect("JSON");
        assert_eq!(Some(&doc), combined.changes[0].policy.as_ref());
        let text = policy.as_str();
        assert!(
            text.contains(":jobs\"") && text.contains(":queue-worker-dlq\""),
            "{text}"
        );
    }
}
