package election

import "testing"

func TestCountWords(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"   \n\t ", 0},
		{"Fellow Workers", 2},
		{"  Fellow   Workers,\n\nplease vote!  ", 4},
		{"co-officer", 1},
		{"co-officer FINT-led self-define", 3},
		{"don't can’t", 2},
		{"I - you", 2},
		{"- & … !!! ...", 0},
		{"2023 £300 10% 24/7", 4},
		{"(IWW) \"quoted\" end.", 3},
		{"union—we are", 3},
		{"2023–2025 term", 2},
		{"one two three four five six seven eight nine ten", 10},
		{"Товарищи рабочие, голосуйте!", 3},
		{"Συνάδελφοι εργάτες ψηφίστε", 3},
		{"أيها العمال صوتوا", 3},
		{"עובדים יקרים", 2},
		{"मज़दूर साथियों", 2},
		{"노동자 여러분 투표하세요", 3},
		{"我是工人", 4},
		{"我是 IWW 会员", 5},
		{"IWW工会", 3},
		{"ユニオンに参加", 7},
		{"éàü naïve café", 3},
		{"x\u0301", 1}, // combining accent belongs to its letter
	}
	for _, c := range cases {
		if got := CountWords(c.in); got != c.want {
			t.Errorf("CountWords(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}
