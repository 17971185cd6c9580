package activities_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/plan"
)

// kickoffPlanYAML has two leaders (one of whom also heads a department),
// three departments and officers with and without roles.
const kickoffPlanYAML = `
term: {id: %[1]s, name: Fall term 2026, starts: 2026-09-01, ends: 2027-01-15, time_zone: Asia/Shanghai}
leaders:
  - {name: Li Wei, email: li.wei.%[1]s@example.edu, role: Minister of Organization}
  - {name: Zhang Hua, email: zhang.hua.%[1]s@example.edu, role: Deputy Minister}
departments:
  - id: organization
    name: Organization Department
    head: {name: Zhang Hua, email: zhang.hua.%[1]s@example.edu}
    officers:
      - {name: Chen Jie, email: chen.jie.%[1]s@example.edu, role: Deputy head}
      - {name: Wu Tong, email: wu.tong.%[1]s@example.edu, role: Secretary}
  - id: publicity
    name: Publicity Department
    head: {name: Sun Hao, email: sun.hao.%[1]s@example.edu}
    officers:
      - {name: Ma Li, email: ma.li.%[1]s@example.edu}
      - {name: Guo Rui, email: guo.rui.%[1]s@example.edu}
      - {name: He Xin, email: he.xin.%[1]s@example.edu}
  - id: sports
    name: Sports Department
    head: {name: Yuan Jun, email: yuan.jun.%[1]s@example.edu}
    officers:
      - {name: Lu Feng, email: lu.feng.%[1]s@example.edu, role: Secretary}
training:
  sessions: [{title: Rules, at: "2026-09-09 19:00"}]
  deadline_days_after_start: 16
kickoff:
  at: "2026-09-15 19:00"
  where: Student Activity Centre, meeting room 1
  duration_minutes: 90
  agenda: [Training of the new officers, Exchanges every two weeks, The knowledge contest in October]
  plans_due_days: 7
`

func TestDirectoryReachesEveryHeadOnceListingEveryone(t *testing.T) {
	r := newPlanRig(t, kickoffPlanYAML)
	in := contract.SendDirectoryInput{TermID: r.plan.Term.ID}
	var first, second contract.DeliveryResult
	r.run(r.acts.SendDirectory, in, &first)
	r.run(r.acts.SendDirectory, in, &second)
	if first.Sent != 3 || second.Sent != 0 || second.AlreadySent != 3 {
		t.Errorf("first run %+v, second run %+v; want 3 sent, then 3 already sent", first, second)
	}

	// Everyone the directory must list, and the departments.
	var want []plan.Person
	want = append(want, r.plan.Leaders...)
	var departments []string
	for _, d := range r.plan.Departments {
		want = append(want, d.Head)
		want = append(want, d.Officers...)
		departments = append(departments, d.Name)
	}
	for _, d := range r.plan.Departments {
		msg := r.only(d.Head.Email)
		if !strings.Contains(msg.Subject, "Personnel directory of Fall term 2026") {
			t.Errorf("%s's subject %q", d.Head.Name, msg.Subject)
		}
		for part, body := range map[string]string{"text": msg.Text, "HTML": html.UnescapeString(msg.HTML)} {
			for _, p := range want {
				if !strings.Contains(body, p.Name) || !strings.Contains(body, p.Email) {
					t.Errorf("the %s part of %s's directory lacks %s <%s>", part, d.Head.Name, p.Name, p.Email)
				}
			}
			for _, name := range departments {
				if !strings.Contains(body, name) {
					t.Errorf("the %s part of %s's directory lacks the %s", part, d.Head.Name, name)
				}
			}
		}
		// The text is a table: each officer's row has their role and email
		// on one line.
		if !containsLine(msg.Text, "Lu Feng", "Secretary", "lu.feng."+r.tag+"@example.edu") ||
			!containsLine(msg.Text, "Sports Department", "Yuan Jun", "Head", "yuan.jun."+r.tag+"@example.edu") ||
			!containsLine(msg.Text, "Ma Li", "Officer", "ma.li."+r.tag+"@example.edu") {
			t.Errorf("%s's text directory is not a table of department, name, role and email:\n%s", d.Head.Name, msg.Text)
		}
	}
	// Officers who are not heads do not get it.
	if got := r.inbox(r.plan.Departments[1].Officers[0].Email, 0); len(got) != 0 {
		t.Errorf("an officer received %d directory emails", len(got))
	}
}

// containsLine reports whether one line of s holds all the words, in order.
func containsLine(s string, words ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		rest, ok := line, true
		for _, w := range words {
			i := strings.Index(rest, w)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(w):]
		}
		if ok {
			return true
		}
	}
	return false
}

func (r *rig) invitationsInput() contract.SendKickoffInvitationsInput {
	loc := r.plan.Location()
	starts := time.Date(2026, 9, 15, 19, 0, 0, 0, loc)
	in := contract.SendKickoffInvitationsInput{
		KickoffMeeting: contract.KickoffMeeting{
			TermID: r.plan.Term.ID, TermName: r.plan.Term.Name, TimeZone: r.plan.Zone(),
			Starts: starts, Ends: starts.Add(90 * time.Minute), Where: r.plan.Kickoff.Where,
			Agenda: r.plan.Kickoff.Agenda, PlansDue: time.Date(2026, 9, 22, 23, 59, 0, 0, loc),
			Leaders: r.plan.Leaders,
		},
		Stamp: time.Date(2026, 9, 1, 0, 0, 0, 0, loc),
	}
	for _, d := range r.plan.Departments {
		in.Heads = append(in.Heads, contract.KickoffHead{DepartmentName: d.Name, Head: d.Head})
	}
	return in
}

func TestKickoffInvitationsCarryACalendarInviteAndGoOutOnce(t *testing.T) {
	r := newPlanRig(t, kickoffPlanYAML)
	in := r.invitationsInput()
	var first, second contract.KickoffInvitationsResult
	r.run(r.acts.SendKickoffInvitations, in, &first)
	r.run(r.acts.SendKickoffInvitations, in, &second)
	// Three heads and two leaders, one of whom heads the Organization
	// Department: four people.
	if first.Invited != 4 || first.Sent != 4 || second.Sent != 0 || second.AlreadySent != 4 {
		t.Errorf("first run %+v, second run %+v; want 4 invited and sent, then 4 already sent", first, second)
	}

	invitees := []string{"zhang.hua", "sun.hao", "yuan.jun", "li.wei"}
	var uids []string
	for _, who := range invitees {
		email := who + "." + r.tag + "@example.edu"
		msg := r.only(email)
		if !strings.Contains(msg.Subject, "kickoff meeting") || !strings.Contains(msg.Subject, "Tue 15 Sep 2026, 19:00") {
			t.Errorf("%s's subject %q", who, msg.Subject)
		}
		for part, body := range map[string]string{"text": msg.Text, "HTML": html.UnescapeString(msg.HTML)} {
			for _, want := range append([]string{"Student Activity Centre, meeting room 1", "Tue 22 Sep 2026, 23:59"}, in.Agenda...) {
				if !strings.Contains(body, want) {
					t.Errorf("the %s part of %s's invitation lacks %q", part, who, want)
				}
			}
		}
		if who == "zhang.hua" && !strings.Contains(msg.Text, "As head of the Organization Department") {
			t.Errorf("a leader who heads a department is not invited as its head:\n%s", msg.Text)
		}
		if len(msg.Attachments) != 1 || !strings.HasPrefix(msg.Attachments[0].ContentType, "text/calendar") || msg.Attachments[0].FileName != "invite.ics" {
			t.Fatalf("%s's attachments = %+v, want one text/calendar invite.ics", who, msg.Attachments)
		}
		ics := strings.ReplaceAll(string(r.mailpit.Part(t, msg.ID, msg.Attachments[0].PartID)), "\r\n ", "")
		for _, want := range []string{
			"METHOD:REQUEST",
			"DTSTART:20260915T110000Z", // 19:00 in Shanghai
			"DTEND:20260915T123000Z",
			"DTSTAMP:20260831T160000Z", // the plan time given, not the clock's
			"LOCATION:Student Activity Centre\\, meeting room 1",
			"ORGANIZER;CN=\"Organization Department\":mailto:organization@semesterflow.local",
		} {
			if !strings.Contains(ics, want) {
				t.Errorf("%s's invite lacks %q:\n%s", who, want, ics)
			}
		}
		for _, other := range invitees {
			if !strings.Contains(ics, "mailto:"+other+"."+r.tag+"@example.edu") {
				t.Errorf("%s's invite does not list %s as an attendee", who, other)
			}
		}
		for _, line := range strings.Split(ics, "\r\n") {
			if strings.HasPrefix(line, "UID:") {
				uids = append(uids, line)
			}
		}
	}
	if len(uids) != len(invitees) || len(slices.Compact(uids)) != 1 || !strings.HasSuffix(uids[0], "@semesterflow") {
		t.Errorf("invite UIDs %v, want one event UID in every invite", uids)
	}
	// Officers are not invited.
	if got := r.inbox(r.plan.Departments[0].Officers[0].Email, 0); len(got) != 0 {
		t.Errorf("an officer received %d invitations", len(got))
	}

	k, err := r.store.Kickoff(context.Background(), r.plan.Term.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !k.StartsAt.Equal(in.Starts) || !k.EndsAt.Equal(in.Ends) || k.Place != in.Where || !slices.Equal(k.Agenda, in.Agenda) || k.Invited != 4 {
		t.Errorf("kickoff row = %+v", k)
	}
}

// TestLargeDirectoryGivesEachHeadTheirDepartmentAndALink: a directory
// longer than the email's limit is not sent whole to every head. Each head's
// email lists the leaders and their own department, counts the whole
// directory, and links to it on the portal.
func TestLargeDirectoryGivesEachHeadTheirDepartmentAndALink(t *testing.T) {
	const departments, officers = 4, 60
	var y strings.Builder
	y.WriteString(`
term: {id: %[1]s, name: Fall term 2026, starts: 2026-09-01, ends: 2027-01-15, time_zone: Asia/Shanghai}
leaders:
  - {name: Li Wei, email: li.wei.%[1]s@example.edu, role: Minister of Organization}
training:
  sessions: [{title: Rules, at: "2026-09-09 19:00"}]
  deadline_days_after_start: 16
departments:
`)
	for d := range departments {
		fmt.Fprintf(&y, "  - id: d%d\n    name: Department %d\n    head: {name: Head %d, email: head%d.%%[1]s@example.edu}\n    officers:\n", d, d, d, d)
		for o := range officers {
			fmt.Fprintf(&y, "      - {name: Officer %d-%d, email: officer%d-%d.%%[1]s@example.edu}\n", d, o, d, o)
		}
	}
	r := newPlanRig(t, y.String())
	key := make([]byte, 32)
	signer, err := links.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	r.acts.Links, r.acts.PortalURL = signer, "https://portal.example.edu"
	if res := r.deliver(r.acts.SendDirectory, contract.SendDirectoryInput{TermID: r.plan.Term.ID}); res.Sent != departments {
		t.Fatalf("sent %+v, want one email to each of the %d heads", res, departments)
	}
	people := 1 + departments*(1+officers)
	link := regexp.MustCompile(`https://portal\.example\.edu/act/[A-Za-z0-9_.-]+`)
	for i, d := range r.plan.Departments {
		msg := r.only(d.Head.Email)
		if want := fmt.Sprintf("%d departments, %d people", departments, people); !strings.Contains(msg.Subject, want) {
			t.Errorf("%s's subject %q does not count the whole directory (%s)", d.Head.Name, msg.Subject, want)
		}
		for part, body := range map[string]string{"text": msg.Text, "HTML": html.UnescapeString(msg.HTML)} {
			if !strings.Contains(body, "li.wei."+r.tag) || !strings.Contains(body, d.Officers[officers-1].Email) {
				t.Errorf("the %s part of %s's email lacks the leaders or their own department", part, d.Head.Name)
			}
			other := r.plan.Departments[(i+1)%departments]
			if strings.Contains(body, other.Officers[0].Email) {
				t.Errorf("the %s part of %s's email lists %s of another department", part, d.Head.Name, other.Officers[0].Email)
			}
			if !strings.Contains(strings.Join(strings.Fields(body), " "), "Here are the leaders and your department") {
				t.Errorf("the %s part of %s's email does not say it lists only their department", part, d.Head.Name)
			}
		}
		token := strings.TrimPrefix(link.FindString(msg.Text), "https://portal.example.edu/act/")
		c, err := signer.Verify(token, time.Now())
		if err != nil || c.Action != links.ViewDirectory || c.Person != d.Head.Email || c.Slot != r.plan.Term.ID {
			t.Errorf("%s's directory link %q: claims %+v, %v; want the directory of %s for them", d.Head.Name, token, c, err, r.plan.Term.ID)
		}
		if len(msg.Text) > 20_000 {
			t.Errorf("%s's email is %d bytes of text: it grows with the directory", d.Head.Name, len(msg.Text))
		}
	}
}
