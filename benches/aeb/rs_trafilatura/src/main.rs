//! Runs rs-trafilatura over the AEB pages (one thread, pages in memory) and
//! writes its output in AEB's format: `aeb-rs-trafilatura AEB_DIR OUT.json`.
//! Prints `rs_trafilatura <pages> <seconds>`.
use std::io::Read;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, out) = (&args[1], &args[2]);
    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(format!("{dir}/html")).expect("html dir").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for p in paths {
        let id = p.file_name().unwrap().to_str().unwrap().split('.').next().unwrap().to_string();
        let mut html = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p).expect("page")).read_to_string(&mut html).expect("gzip");
        pages.push((id, html));
    }
    let start = Instant::now();
    let mut output = serde_json::Map::new();
    for (id, html) in &pages {
        let text = rs_trafilatura::extract(html).map(|r| r.content_text).unwrap_or_default();
        output.insert(id.clone(), serde_json::json!({ "articleBody": text }));
    }
    let seconds = start.elapsed().as_secs_f64();
    let doc = serde_json::json!({ "version": "rs_trafilatura 0.2.2", "output": output });
    std::fs::write(out, serde_json::to_string(&doc).unwrap()).expect("write output");
    println!("rs_trafilatura {} {seconds:.3}", pages.len());
}
