package plan

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Byte-order marks a plan file may start with.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16BE = []byte{0xFE, 0xFF}
	bomUTF16LE = []byte{0xFF, 0xFE}
)

// checkText makes sure data is UTF-8 text that YAML can read, so a file
// saved in another encoding gets a message with its place instead of the
// parser's "invalid trailing UTF-8 octet". It returns data without a UTF-8
// byte-order mark, which changes no line number.
func checkText(data []byte) ([]byte, *Problem) {
	if bytes.HasPrefix(data, bomUTF8) {
		data = data[len(bomUTF8):]
	} else if bytes.HasPrefix(data, bomUTF16BE) || bytes.HasPrefix(data, bomUTF16LE) {
		return nil, &Problem{Message: "the plan must be UTF-8 text, but it starts with a UTF-16 byte-order mark (line 1); save the file as UTF-8"}
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return nil, &Problem{Message: fmt.Sprintf(
				"the plan must be UTF-8 text, but line %d, column %d (byte %d of the file) is 0x%02X, which is not UTF-8; "+
					"the file may be in Windows-1252 or another legacy encoding: save it as UTF-8", line, col, i+1, data[i])}
		case r == 0:
			return nil, &Problem{Message: fmt.Sprintf(
				"the plan must be UTF-8 text, but line %d, column %d (byte %d of the file) is a NUL byte, as UTF-16 text has; save the file as UTF-8", line, col, i+1)}
		case !yamlPrintable(r):
			return nil, &Problem{Message: fmt.Sprintf(
				"line %d, column %d (byte %d of the file) is the control character %U, which a plan may not contain; delete it", line, col, i+1, r)}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return data, nil
}

// yamlPrintable is YAML 1.2's set of characters a document may hold.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= utf8.MaxRune:
		return true
	}
	return false
}

// megabytes writes a size the way the limits are given, in MB of 2^20
// bytes: "10.25 MB", "4 MB".
func megabytes(n int) string {
	s := strings.TrimRight(fmt.Sprintf("%.2f", float64(n)/(1<<20)), "0")
	return strings.TrimSuffix(s, ".") + " MB"
}
