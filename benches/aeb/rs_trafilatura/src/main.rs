//! Runs rs-trafilatura over benchmark pages (one thread, pages in memory):
//!
//!   aeb-rs-trafilatura AEB_DIR OUT.json          AEB's output format
//!   aeb-rs-trafilatura --wcxb SPLIT_DIR OUT.json  `{file_id: text}` (WCXB)
//!
//! Both benchmarks keep gzipped pages in `html/<id>.html.gz`. Prints
//! `rs_trafilatura <pages> <seconds>`.
use std::io::Read;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (wcxb, dir, out) = match &args[..] {
        [flag, dir, out] if flag == "--wcxb" => (true, dir, out),
        [dir, out] => (false, dir, out),
        _ => panic!("usage: aeb-rs-trafilatura [--wcxb] DIR OUT.json"),
    };
    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(format!("{dir}/html")).expect("html dir").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for p in paths {
        let id = p.file_name().unwrap().to_str().unwrap().split('.').next().unwrap().to_string();
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).expect("page")).read_to_end(&mut bytes).expect("gzip");
        pages.push((id, String::from_utf8_lossy(&bytes).into_owned()));
    }
    let start = Instant::now();
    let mut output = serde_json::Map::new();
    for (id, html) in &pages {
        let text = rs_trafilatura::extract(html).map(|r| r.content_text).unwrap_or_default();
        let value = if wcxb { serde_json::json!(text) } else { serde_json::json!({ "articleBody": text }) };
        output.insert(id.clone(), value);
    }
    let seconds = start.elapsed().as_secs_f64();
    let doc = if wcxb {
        serde_json::Value::Object(output)
    } else {
        serde_json::json!({ "version": "rs_trafilatura 0.2.2", "output": output })
    };
    std::fs::write(out, serde_json::to_string(&doc).unwrap()).expect("write output");
    println!("rs_trafilatura {} {seconds:.3}", pages.len());
}
