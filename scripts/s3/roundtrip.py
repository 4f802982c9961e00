"""S3 round trip of gleaner built with `--features cloud` (run by scripts/s3/test.sh).

A moto server on 127.0.0.1 holds the inputs (data/sample as objects) and the
dataset. gleaner reads s3://inputs/sample and writes s3://datasets/news; the
tables are read back with polars and with DuckDB (httpfs) straight from S3
and compared with a local run on the same files (the texts, entities and
counts: document ids differ, since a document's source is its URL). A second
run with one more object adds a run; a third finds nothing new.
"""

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import duckdb
import polars as pl
from moto.server import ThreadedMotoServer

REPO = Path(__file__).resolve().parents[2]
GLEANER = os.environ.get("GLEANER_BIN", str(REPO / "target/debug/gleaner"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gleaner(*args: str, env: dict) -> str:
    return gleaner_out(*args, env=env).stdout


def gleaner_out(*args: str, env: dict) -> subprocess.CompletedProcess:
    out = subprocess.run([GLEANER, *args], env=env, capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0:
        sys.exit(f"gleaner {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out


LOCK = "news/.gleaner.lock"


def put_lock(s3, lease_seconds: float) -> bytes:
    """A lock object of a run on another host whose lease ends in
    `lease_seconds` (negative: ended)."""
    now = datetime.now(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    body = json.dumps({"host": "other-host", "pid": 4242, "run": "0badf00d",
                       "since": (now - timedelta(hours=1)).strftime(fmt),
                       "until": (now + timedelta(seconds=lease_seconds)).strftime(fmt)}).encode()
    s3.put_object(Bucket="datasets", Key=LOCK, Body=body)
    return body


def objects(s3) -> dict:
    """Every object of the datasets bucket, with its ETag."""
    return {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket="datasets").get("Contents", [])}


def no_lock(s3) -> None:
    keys = objects(s3)
    assert not [k for k in keys if k.endswith(".gleaner.lock")], sorted(keys)


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    tmp = Path(tempfile.mkdtemp(prefix="gleaner-s3-"))
    creds = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ALLOW_HTTP": "true",
    }
    env = {**os.environ, **creds, "GLEANER_CACHE": str(tmp / "cache")}
    try:
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="inputs")
        s3.create_bucket(Bucket="datasets")
        sample = sorted((REPO / "data/sample").iterdir())
        first, last = sample[:-1], sample[-1]
        for f in first:
            s3.upload_file(str(f), "inputs", f"sample/{f.name}")

        # Run 1 from S3 to S3, and the same files locally.
        gleaner("run", "s3://inputs/sample", "--output", "s3://datasets/news", env=env)
        no_lock(s3)
        local_in = tmp / "in"
        local_in.mkdir()
        for f in first:
            shutil.copy(f, local_in / f.name)
        gleaner("run", str(local_in), "--output", str(tmp / "local"), env=env)
        check(tmp / "local", creds, runs=1)

        # The same run as the 2 tasks of a plan (gleaner plan + run-local.sh):
        # the tasks share a mirror in the plan's work directory and the
        # commit task uploads, the manifest last.
        plan = tmp / "plan"
        gleaner("plan", "s3://inputs/sample", "--output", "s3://datasets/sharded", "--tasks", "2",
                "--scheduler", "none", "--out", str(plan), env=env)
        out = subprocess.run(["bash", str(plan / "run-local.sh")], env=env, capture_output=True,
                             text=True, cwd=REPO)
        assert out.returncode == 0, out.stderr
        same_release("news", "sharded", creds)
        no_lock(s3)

        # The same run again, the plan's work directory on S3 too, every
        # task with a fresh, empty GLEANER_CACHE: only the work directory
        # carries state from one task to the next.
        s3work_plan(s3, tmp, env, creds, first=True)

        # The dataset's lock holds across hosts: while another host's lock
        # object has a live lease, a run stops with exit 5, names the holder
        # and changes nothing.
        s3.upload_file(str(last), "inputs", f"sample/{last.name}")
        held = put_lock(s3, 3600)
        before = objects(s3)
        out = subprocess.run([GLEANER, "run", "s3://inputs/sample", "--output", "s3://datasets/news"],
                             env=env, capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 5, (out.returncode, out.stderr)
        for said in ["locked by another gleaner run", "host other-host, pid 4242, run 0badf00d",
                     "lease until", "use --wait"]:
            assert said in out.stderr, out.stderr
        assert objects(s3) == before, "a refused run changed the dataset"
        assert s3.get_object(Bucket="datasets", Key=LOCK)["Body"].read() == held
        # A plan made now commits after run 2 has changed the release: its
        # commit task, under the lock, finds that out and refuses (exit 6).
        s3.delete_object(Bucket="datasets", Key=LOCK)
        stale_plan = tmp / "stale-plan"
        gleaner("plan", "s3://inputs/sample", "--output", "s3://datasets/news", "--tasks", "1",
                "--scheduler", "none", "--out", str(stale_plan), env=env)
        no_lock(s3)

        # Run 2: one object more is added. The lease of the lock object
        # has ended (its run died): the run takes the lock over, says so,
        # and renews its own lease (3 s: every second) while it runs.
        put_lock(s3, -60)
        shutil.copy(last, local_in / last.name)
        out = gleaner_out("run", "s3://inputs/sample", "--output", "s3://datasets/news",
                          env={**env, "GLEANER_LOCK_LEASE": "3"})
        assert "took over the lock of s3://datasets/news" in out.stderr, out.stderr
        assert "host other-host, pid 4242" in out.stderr, out.stderr
        no_lock(s3)
        gleaner("run", str(local_in), "--output", str(tmp / "local"), env=env)
        check(tmp / "local", creds, runs=2)
        out = subprocess.run(["bash", str(stale_plan / "run-local.sh")], env=env,
                             capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 6, (out.returncode, out.stderr)
        assert "the release in s3://datasets/news changed since this plan" in out.stderr, out.stderr
        no_lock(s3)
        check(tmp / "local", creds, runs=2)
        # Run 2 as a plan on S3 too: it adds to the release the first one
        # made (released index, line counts and entity totals pulled into
        # the work directory), in the same work prefix (the old plan's
        # objects go).
        s3work_plan(s3, tmp, env, creds, first=False)
        # Run 3, nothing new, with --wait on a live lease: it waits for
        # the lease to end, then takes the lock over.
        put_lock(s3, 2)
        out = gleaner("run", "--wait", "s3://inputs/sample", "--output", "s3://datasets/news",
                      env=env)
        assert "nothing new" in out, out
        no_lock(s3)
        check(tmp / "local", creds, runs=2)

        # A lost manifest: the partitions stay, the run refuses (exit 6)
        # and deletes nothing, whatever the local mirror remembers.
        before = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="datasets")["Contents"])
        s3.delete_object(Bucket="datasets", Key="news/manifest.json")
        out = subprocess.run([GLEANER, "run", "s3://inputs/sample", "--output", "s3://datasets/news"],
                             env=env, capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 6, (out.returncode, out.stderr)
        assert "no manifest.json" in out.stderr, out.stderr
        after = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="datasets")["Contents"])
        assert after == [k for k in before if k != "news/manifest.json"], (before, after)
        print("s3 round trip: inputs read from and releases written to a local S3 server (by gleaner run "
              "and by a 2-task plan, equal, its work directory local or on S3 with nothing "
              "shared between tasks but S3); the lock object refuses a second writer, "
              "is taken over once its lease ends, and is gone after each run; a plan's commit "
              "refuses a release changed since the plan; "
              "polars and DuckDB read them back equal to a local run")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


PASSES = [("scan", True), ("lines", True), ("sketch", True), ("buckets", True),
          ("contain", True), ("verify", True), ("cluster", False), ("write", True),
          ("commit", False)]
WORK = "s3://work-bucket/plan/work"


def work_objects(s3) -> dict:
    """Every object of the plan's work directory, with its ETag."""
    out = s3.list_objects_v2(Bucket="work-bucket", Prefix="plan/work/").get("Contents", [])
    return {o["Key"].removeprefix("plan/work/"): o["ETag"] for o in out}


def task(pass_: str, shard: int, tasks: int, tmp: Path, env: dict,
         code: int = 0) -> subprocess.CompletedProcess:
    """`gleaner stage` with a GLEANER_CACHE of its own, removed after."""
    cache = Path(tempfile.mkdtemp(prefix="task-cache-", dir=tmp))
    out = subprocess.run([GLEANER, "stage", pass_, "--shard", f"{shard}/{tasks}", "--work", WORK],
                         env={**env, "GLEANER_CACHE": str(cache)}, capture_output=True, text=True,
                         cwd=REPO)
    assert out.returncode == code, (pass_, shard, out.returncode, out.stderr)
    if code == 0:
        # A task that succeeded leaves no local copy behind.
        left = [p for p in cache.rglob("*") if p.is_file()]
        assert not left, (pass_, shard, left)
    shutil.rmtree(cache)
    return out


def s3work_plan(s3, tmp: Path, env: dict, creds: dict, first: bool) -> None:
    """A 2-task plan with `--out s3://work-bucket/plan`, its tasks run one by
    one with nothing shared on the local disk; equal to `gleaner run`. The
    first time, a task killed before its report reached the store is run
    again."""
    if first:
        s3.create_bucket(Bucket="work-bucket")
    scripts = tmp / "s3work-scripts"
    plan_cache = tmp / "plan-cache"
    plan_args = ["plan", "s3://inputs/sample", "--output", "s3://datasets/s3work", "--tasks", "2",
                 "--scheduler", "none", "--out", "s3://work-bucket/plan", "--scripts", str(scripts)]
    if not first:
        # An object that is no work file of a plan: the prefix is someone
        # else's, and a plan does not replace what is under it.
        s3.put_object(Bucket="work-bucket", Key="plan/work/notes.txt", Body=b"mine")
        out = subprocess.run([GLEANER, *plan_args], env={**env, "GLEANER_CACHE": str(plan_cache)},
                             capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 6, (out.returncode, out.stderr)
        assert "plan/work/notes.txt is not a file of a gleaner work directory" in out.stderr, \
            out.stderr
        assert s3.get_object(Bucket="work-bucket", Key="plan/work/notes.txt")["Body"].read() == b"mine"
        s3.delete_object(Bucket="work-bucket", Key="plan/work/notes.txt")
    gleaner(*plan_args, env={**env, "GLEANER_CACHE": str(plan_cache)})
    # Nothing of the plan stays on the local disk but the scripts (and the
    # inputs the plan fetched, removed here: the scan tasks download theirs).
    shutil.rmtree(plan_cache)
    assert "plan.json" in work_objects(s3), work_objects(s3)
    local = (scripts / "run-local.sh").read_text()
    assert f"--work '{WORK}'" in local, local
    assert not (scripts / "work").exists()
    tasks = 2
    moved = [0, 0]
    for pass_, per_shard in PASSES:
        for shard in range(tasks if per_shard else 1):
            if first and (pass_, shard) == ("lines", 0):
                # A pass does not start before every task of the one
                # before it has uploaded its report.
                scan1 = work_objects(s3)
                assert "parts/scan-1.json" in scan1, sorted(scan1)
                s3.delete_object(Bucket="work-bucket", Key="plan/work/parts/scan-1.json")
                out = task("lines", 0, tasks, tmp, env, code=1)
                assert f"{WORK}/parts/scan-1.json is missing" in out.stderr, out.stderr
                # A task killed after it uploaded some files but before its
                # report: one of its files is garbage, its report missing.
                # Run again (anywhere), it replaces its objects.
                s3.put_object(Bucket="work-bucket", Key="plan/work/parts/lines-1.parquet",
                              Body=b"not parquet")
                task("scan", 1, tasks, tmp, env)
            if first and pass_ == "commit":
                killed_after_its_commit_point(s3, tmp, env, tasks)
                continue
            said = task(pass_, shard, tasks, tmp, env).stderr
            m = re.search(r"downloaded \d+ object\(s\), (\d+) bytes; uploaded \d+ object\(s\), "
                          r"(\d+) bytes", said)
            assert m, said
            moved[0] += int(m[1])
            moved[1] += int(m[2])
    print(f"s3 work directory: the tasks downloaded {moved[0]} bytes and uploaded {moved[1]}")
    left = work_objects(s3)
    assert not [k for k in left if k.startswith("parts/") or "/.shards-run" in k], sorted(left)
    same_release("news", "s3work", creds)
    no_lock(s3)
    # The commit task run again after it finished changes nothing.
    before = objects(s3)
    out = task("commit", 0, tasks, tmp, env)
    assert "was committed already" in out.stderr, out.stderr
    assert objects(s3) == before
    no_lock(s3)


def killed_after_its_commit_point(s3, tmp: Path, env: dict, tasks: int) -> None:
    """The commit task, killed once it had uploaded the committed mirror to
    the work directory but before the release was uploaded (the objects are
    put back as they were then), is run again: it finds its own commit and
    uploads the release."""
    def bodies(bucket: str, prefix: str) -> dict:
        out = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in out}

    work_before = bodies("work-bucket", "plan/work/")
    assert not bodies("datasets", "s3work/"), "the release existed before the commit"
    task("commit", 0, tasks, tmp, env)
    work_after = bodies("work-bucket", "plan/work/")
    assert work_after["plan/work/mirror/manifest.json"], sorted(work_after)
    for key in bodies("datasets", "s3work/"):
        s3.delete_object(Bucket="datasets", Key=key)
    for key, body in work_before.items():
        if key not in work_after:
            s3.put_object(Bucket="work-bucket", Key=key, Body=body)
    out = task("commit", 0, tasks, tmp, env)
    assert "was committed already" in out.stderr, out.stderr


def storage_options(creds: dict) -> dict:
    """polars' options for the moto server."""
    return {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "aws_region": "us-east-1",
        "aws_endpoint_url": creds["AWS_ENDPOINT_URL"],
        "aws_allow_http": "true",
    }


def same_release(a: str, b: str, creds: dict) -> None:
    """Datasets s3://datasets/A and /B hold the same documents and entities."""
    options = storage_options(creds)

    def table(ds: str, name: str, sort: list) -> pl.DataFrame:
        return pl.read_parquet(f"s3://datasets/{ds}/{name}/**/*.parquet", storage_options=options,
                               hive_partitioning=False).sort(sort)

    for name, sort in [("documents", ["doc_id"]), ("entities", ["entity_key"]),
                       ("canonical_entities", ["canonical_key"]),
                       ("duplicates", ["doc_id"]), ("mentions", ["doc_id", "start"])]:
        x, y = table(a, name, sort), table(b, name, sort)
        assert x.equals(y), f"{name}: {a} and {b} differ"


def check(local: Path, creds: dict, runs: int) -> None:
    s3 = boto3.client("s3", endpoint_url=creds["AWS_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    manifest = json.loads(s3.get_object(Bucket="datasets", Key="news/manifest.json")["Body"].read())
    assert len(manifest["runs"]) == runs, manifest["runs"]
    local_manifest = json.loads((local / "manifest.json").read_text())
    assert manifest["counts"]["released_documents"] == local_manifest["counts"]["released_documents"]

    options = storage_options(creds)
    remote_docs = pl.read_parquet("s3://datasets/news/documents/**/*.parquet",
                                  storage_options=options, hive_partitioning=True)
    local_docs = pl.read_parquet(str(local / "documents/**/*.parquet"), hive_partitioning=True)
    assert sorted(remote_docs["text"]) == sorted(local_docs["text"]), "texts differ"
    assert remote_docs["source"].str.starts_with("s3://inputs/sample/").all()
    assert remote_docs.height == manifest["counts"]["released_documents"]

    con = duckdb.connect()
    # The PyPI package ships DuckDB's signed httpfs binary; load it by path
    # (there is no download at run time here).
    import duckdb_extension_httpfs
    ext = Path(duckdb_extension_httpfs.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    con.load_extension(str(ext / "httpfs.duckdb_extension"))
    endpoint = creds["AWS_ENDPOINT_URL"].removeprefix("http://")
    con.execute(f"""CREATE SECRET s3 (TYPE s3, KEY_ID 'testing', SECRET 'testing',
                    REGION 'us-east-1', ENDPOINT '{endpoint}', URL_STYLE 'path', USE_SSL false)""")
    query = ("SELECT entity_key, label, name, n_docs, n_mentions, first_seen, last_seen "
             "FROM read_parquet('{}') ORDER BY entity_key")
    remote_entities = con.execute(
        query.format(f"s3://datasets/news/entities/run={runs}/part-0.parquet")).fetchall()
    local_entities = con.execute(
        query.format(str(local / f"entities/run={runs}/part-0.parquet"))).fetchall()
    assert remote_entities == local_entities, "entities differ"
    n = con.execute("SELECT count(*) FROM read_parquet('s3://datasets/news/documents/**/*.parquet', "
                    "hive_partitioning = true)").fetchone()[0]
    assert n == remote_docs.height, (n, remote_docs.height)


if __name__ == "__main__":
    main()
