//! Putting text on the system clipboard, behind a trait; the desktop shell provides the
//! implementation (the CLI prints instead).

use crate::error::Error;

/// Writes text to a clipboard.
pub trait Clipboard {
    /// Replaces the clipboard's content with `text`.
    fn write_text(&self, text: &str) -> Result<(), Error>;
}
