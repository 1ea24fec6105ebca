package election

import "unicode"

// CountWords counts words in s the way a person checking a statement against a word
// limit would, so a candidate's count and the committee's agree:
//
//   - words are separated by white space and by em dashes ("union—we" is two);
//   - hyphens and apostrophes join ("co-officer", "don't" and "FINT-led" are one
//     each), and so does an en dash, which joins ranges ("2023–2025" is one);
//   - anything with a letter or digit in it is a word ("2023", "£300", "(IWW)"),
//     punctuation on its own is not ("-", "&", "…");
//   - scripts that separate words with spaces (Latin, Cyrillic, Greek, Arabic,
//     Hebrew, Devanagari, Hangul, …) follow the same rules;
//   - Chinese, Japanese kana and kanji are written without spaces, so each of their
//     characters counts as one word, as word processors count them; a run of other
//     letters next to them counts once ("IWW工会" is three).
//
// Thai, Lao, Khmer and Burmese also run words together; they are counted by spaces,
// which undercounts. Members writing in those scripts should be told their count.
func CountWords(s string) int {
	count := 0
	pending := false // letters or digits seen since the last boundary
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '—' || r == '―':
			if pending {
				count++
			}
			pending = false
		case ideographic(r):
			if pending {
				count++
			}
			pending = false
			count++
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			pending = true
		}
	}
	if pending {
		count++
	}
	return count
}

// ideographic reports whether r belongs to a script written without spaces between
// words, where each character is counted as a word.
func ideographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
