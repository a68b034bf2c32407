//! Award letters (立项通知书): [`content`] builds what a letter says from the award, its
//! schedule and approved budget, in Chinese or English, every amount adding up to the award;
//! [`layout`] places it on A4 pages after the national standard for official documents
//! (GB/T 9704-2012); [`pdf`] renders it with printpdf, each letter carrying its own cut of the
//! font ([`cff`]); [`register`] writes letters one at a time or a call's at once and enters
//! each in the register of issued letters, which tells a genuine file from an edited one.

pub mod bench;
pub mod cff;
pub mod content;
pub mod font;
pub mod layout;
pub mod pdf;
pub mod register;

pub use content::*;
pub use register::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn file_names_are_safe_on_any_file_system() {
        assert_eq!(
            file_name("京科资〔2026〕第001号", Lang::Zh),
            "京科资〔2026〕第001号.pdf"
        );
        assert_eq!(
            file_name("京科资〔2026〕第001号", Lang::En),
            "京科资〔2026〕第001号-en.pdf"
        );
        assert_eq!(
            file_name("A/B\\C:D*E?F\"G<H>I|J", Lang::Zh),
            "A_B_C_D_E_F_G_H_I_J.pdf"
        );
        assert_eq!(file_name("x\u{7}y. . ", Lang::Zh), "x_y.pdf");
        assert_eq!(file_name("CON", Lang::Zh), "_CON.pdf");
        assert_eq!(file_name("com1", Lang::Zh), "_com1.pdf");
        assert_eq!(file_name("COMET", Lang::Zh), "COMET.pdf");
        // Never a path out of the folder.
        assert_eq!(file_name("../..", Lang::Zh), ".._.pdf");
        assert_eq!(file_name("..", Lang::Zh), "_.pdf");
    }
}
