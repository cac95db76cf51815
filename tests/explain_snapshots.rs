//! Whole `explain` text screens, in all three languages, for a handful of categories. Review
//! a changed snapshot like code: `cargo insta review`.

use lambda_doctor::diagnose::Diagnosis;
use lambda_doctor::i18n::Lang;
use lambda_doctor::recognize::recognize;
use lambda_doctor::report::{self, Style};
use lambda_doctor::tree::Tree;
use lambda_doctor::tree::walk::NoEvidence;

const CASES: &[(&str, &str)] = &[
    (
        "pass_role",
        "User: arn:aws:iam::123456789012:user/marymajor is not authorized to perform: iam:PassRole",
    ),
    (
        "identity_get_function",
        "User: arn:aws:iam::123456789012:user/mateojackson is not authorized to perform: lambda:GetFunction on resource: my-function",
    ),
    (
        "invoke_sns",
        "User: sns.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:notify because no resource-based policy allows the lambda:InvokeFunction action",
    ),
    (
        "execution_role_dynamodb",
        "[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the PutItem operation: User: arn:aws:sts::123456789012:assumed-role/orders-role-ab12cd34/orders is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/Orders because no identity-based policy allows the dynamodb:PutItem action",
    ),
    (
        "vpc_eni",
        "Resource handler returned message: \"The provided execution role does not have permissions to call CreateNetworkInterface on EC2 (Service: Lambda, Status Code: 400)\"",
    ),
    (
        "explicit_scp",
        "An error occurred (AccessDeniedException) when calling the CreateFunction operation: User: arn:aws:sts::123456789012:assumed-role/Deployer/ci is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:ap-northeast-1:123456789012:function:api with an explicit deny in a service control policy: arn:aws:organizations::999999999999:policy/o-abc123/service_control_policy/p-deny123",
    ),
];

fn render(text: &str, lang: Lang, width: usize) -> String {
    let tree = Tree::embedded().expect("valid tree");
    let ds: Vec<Diagnosis> = recognize(text)
        .into_iter()
        .map(|f| Diagnosis::new(tree, f, &NoEvidence))
        .collect();
    report::text(
        &ds,
        false,
        lang,
        Style {
            color: false,
            width,
        },
    )
}

#[test]
fn explain_text_in_three_languages() {
    for (name, text) in CASES {
        for lang in Lang::ALL {
            let out = render(text, lang, 80);
            insta::assert_snapshot!(format!("{name}_{}", lang.code()), out);
        }
    }
}

#[test]
fn wide_characters_respect_the_width() {
    for lang in Lang::ALL {
        let out = render(CASES[0].1, lang, 60);
        for line in out.lines() {
            // Commands, policies and long ARNs are kept whole (copyable); prose wraps.
            let copyable = line.trim_start().starts_with('$')
                || line.trim_start().starts_with('"')
                || line.contains("arn:")
                || line.contains("aws ")
                || line.contains("https://")
                || !line.trim().contains(' ');
            if !copyable {
                let w = lambda_doctor::report::wrap::width(line);
                assert!(w <= 62, "{lang}: {w} cells: {line}");
            }
        }
    }
}
