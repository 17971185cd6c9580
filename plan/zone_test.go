package plan

import (
	"encoding/json"
	"testing"
	"time"
)

func TestZoneWritesWallClockTimes(t *testing.T) {
	z := MustZone("Asia/Shanghai")
	opens := time.Date(2026, 10, 13, 10, 30, 0, 0, time.UTC) // 18:30 in Shanghai
	if got, want := z.Human(opens), "Tue 13 Oct 2026, 18:30 (Asia/Shanghai)"; got != want {
		t.Errorf("Human = %q, want %q", got, want)
	}
	for _, c := range []struct {
		to   time.Time
		want string
	}{
		{opens.Add(time.Hour), "Tue 13 Oct 2026, 18:30 to 19:30 (Asia/Shanghai)"},
		{opens.Add(6 * time.Hour), "Tue 13 Oct 2026, 18:30 (Asia/Shanghai) to Wed 14 Oct 2026, 00:30 (Asia/Shanghai)"},
	} {
		if got := z.Range(opens, c.to); got != c.want {
			t.Errorf("Range(.., %v) = %q, want %q", c.to, got, c.want)
		}
	}
	if got, want := (Zone{}).Human(opens), "Tue 13 Oct 2026, 10:30 (UTC)"; got != want {
		t.Errorf("zero zone: Human = %q, want %q", got, want)
	}
}

// A time that crossed JSON keeps only its offset; the zone beside it keeps
// the rules, so a day added across a daylight-saving change lands on the
// same wall-clock time.
func TestZoneCrossesJSONWithItsRules(t *testing.T) {
	type payload struct {
		TimeZone Zone      `json:"time_zone"`
		Due      time.Time `json:"due"`
	}
	berlin := MustZone("Europe/Berlin")
	due := time.Date(2026, 10, 24, 23, 59, 0, 0, berlin.Location()) // the day before summer time ends
	b, err := json.Marshal(payload{TimeZone: berlin, Due: due})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"time_zone":"Europe/Berlin","due":"2026-10-24T23:59:00+02:00"}`; string(b) != want {
		t.Fatalf("JSON = %s, want %s (the name alone, as earlier releases wrote it)", b, want)
	}
	var got payload
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !got.TimeZone.Known() || got.TimeZone.Name() != "Europe/Berlin" {
		t.Fatalf("zone after JSON = %q known=%v", got.TimeZone.Name(), got.TimeZone.Known())
	}
	next := got.TimeZone.Local(got.Due).AddDate(0, 0, 1)
	if h := next.Format("15:04 -07:00"); h != "23:59 +01:00" {
		t.Errorf("a day later in the zone = %s, want 23:59 +01:00", h)
	}
	if naive := got.Due.AddDate(0, 0, 1).In(berlin.Location()).Format("15:04"); naive != "22:59" {
		t.Errorf("without the zone a day later reads %s; this test expects the offset-only time to drift to 22:59", naive)
	}
}

func TestZoneDecodesAnUnknownNameAsUTC(t *testing.T) {
	var z Zone
	if err := json.Unmarshal([]byte(`"Mars/Olympus"`), &z); err != nil {
		t.Fatalf("an unknown zone must still decode (a workflow's input must): %v", err)
	}
	if z.Known() || z.Name() != "Mars/Olympus" || z.Location() != time.UTC {
		t.Errorf("unknown zone: name %q known %v location %v", z.Name(), z.Known(), z.Location())
	}
	if err := json.Unmarshal([]byte(`42`), &z); err == nil {
		t.Error("a number decoded as a time zone")
	}
	if _, err := ZoneNamed("Mars/Olympus"); err == nil {
		t.Error("ZoneNamed accepted an unknown zone")
	}
}
