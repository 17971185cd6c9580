package portal

import (
	"testing"
	"time"
)

func TestTimeRange(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	opens := time.Date(2026, 10, 13, 18, 30, 0, 0, shanghai)
	for _, c := range []struct {
		to   time.Time
		want string
	}{
		{opens.Add(time.Hour), "Tue 13 Oct 2026, 18:30 to 19:30 (Asia/Shanghai)"},
		{opens.Add(6 * time.Hour), "Tue 13 Oct 2026, 18:30 (Asia/Shanghai) to Wed 14 Oct 2026, 00:30 (Asia/Shanghai)"},
	} {
		if got := timeRange(opens, c.to, "Asia/Shanghai"); got != c.want {
			t.Errorf("timeRange(.., %v) = %q, want %q", c.to, got, c.want)
		}
	}
}
