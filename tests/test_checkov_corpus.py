"""All of the shared corpus through Checkov with our checks: no traceback, no lost check."""

from __future__ import annotations

from test_checkov_checks import ALL_IDS, CHECKOV_FIXTURES, CHECKS_DIR, records, run_checkov
from test_checkov_checks import environment as checkov_environment


def test_corpus_scan_has_no_traceback_and_loses_no_check(corpus_dir):
    # The fixtures ride along so that every check has something to report: a check that failed to load
    # (Checkov swallows that) would be missing from the results.
    # Under high compliance, so that CKV_LRR_3004 reads every real IAM policy of the corpus too (it is UNKNOWN,
    # unreported, otherwise); its own fixtures ride along for the same reason.
    args = ["-d", str(corpus_dir), "-d", str(CHECKOV_FIXTURES), "-d", str(CHECKOV_FIXTURES.parent / "checkov_iam"),
            "--framework", "terraform", "terraform_plan", "cloudformation", "serverless",
            "--external-checks-dir", str(CHECKS_DIR), "--check", "CKV_LRR_*"]
    reports, stderr = run_checkov(args, checkov_environment(high_compliance="true"), timeout=1800)
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "CKV_LRR" not in stderr, stderr[-3000:]  # "Failed to run check CKV_LRR_..." is logged, not raised
    assert not [line for line in stderr.splitlines() if line.startswith("lambda-runtime-rules:")]
    found = records(reports)
    assert {record["check_id"] for _, _, record in found} == ALL_IDS
    from_corpus = [r for _, _, r in found if str(corpus_dir) in r["file_abs_path"]]
    assert from_corpus, "no result at all from the corpus"
