//! A size-capped log file: `reconnect.log` grows to a limit, then becomes `reconnect.log.1`
//! (the older ones move up to `.KEEP`, the oldest is dropped) and a new file starts. Writes
//! from several threads are serialized; a file that cannot be opened drops its lines rather
//! than stopping the app.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The current file and the rotated ones, newest first.
pub fn files_newest_first(dir: &Path, name: &str, keep: usize) -> Vec<PathBuf> {
    let mut files = vec![dir.join(name)];
    files.extend((1..=keep).map(|n| dir.join(format!("{name}.{n}"))));
    files
}

struct Inner {
    dir: PathBuf,
    name: String,
    max_bytes: u64,
    keep: usize,
    file: Option<File>,
    written: u64,
}

impl Inner {
    fn open(&mut self) -> Option<&mut File> {
        if self.file.is_none() {
            let _ = std::fs::create_dir_all(&self.dir);
            let path = self.dir.join(&self.name);
            let file = OpenOptions::new().create(true).append(true).open(&path).ok()?;
            self.written = file.metadata().map(|m| m.len()).unwrap_or(0);
            self.file = Some(file);
        }
        self.file.as_mut()
    }

    fn rotate(&mut self) {
        self.file = None;
        let files = files_newest_first(&self.dir, &self.name, self.keep);
        for pair in files.windows(2).rev() {
            let _ = std::fs::rename(&pair[0], &pair[1]);
        }
        self.written = 0;
    }

    fn write(&mut self, line: &[u8]) {
        if self.written + line.len() as u64 > self.max_bytes && self.written > 0 {
            self.rotate();
        }
        if let Some(f) = self.open() {
            if f.write_all(line).is_ok() {
                self.written += line.len() as u64;
            }
        }
    }
}

/// The rotating file, shared by every writer made from it.
#[derive(Clone)]
pub struct RotatingFile(Arc<Mutex<Inner>>);

impl RotatingFile {
    /// `dir/name`, rotated past `max_bytes`, keeping `keep` old files.
    pub fn new(dir: &Path, name: &str, max_bytes: u64, keep: usize) -> RotatingFile {
        RotatingFile(Arc::new(Mutex::new(Inner {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            max_bytes,
            keep,
            file: None,
            written: 0,
        })))
    }
}

/// One event's writer: collects the event's text and appends it whole.
pub struct LineWriter {
    file: RotatingFile,
    buffer: Vec<u8>,
}

impl Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.buffer.is_empty() {
            self.file.0.lock().unwrap_or_else(|p| p.into_inner()).write(&self.buffer);
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RotatingFile {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> LineWriter {
        LineWriter { file: self.clone(), buffer: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::fmt::MakeWriter;

    #[test]
    fn the_file_rotates_past_its_size_and_keeps_only_so_many() {
        let dir = std::env::temp_dir().join(format!("reconnect-log-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = RotatingFile::new(&dir, "r.log", 100, 2);
        for n in 0..20 {
            let mut w = log.make_writer();
            writeln!(w, "line {n:02} ................................").unwrap();
        }
        let files = files_newest_first(&dir, "r.log", 2);
        assert!(files.iter().all(|f| f.exists()));
        assert!(!dir.join("r.log.3").exists());
        for f in &files {
            assert!(std::fs::metadata(f).unwrap().len() <= 100);
        }
        assert!(std::fs::read_to_string(&files[0]).unwrap().contains("line 19"));
        let lines = crate::support_log::last_lines_in(&dir, "r.log", 2, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].contains("line 19") && lines[0].contains("line 17"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
