package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"semesterflow/contract"
	"semesterflow/internal/links"
	"semesterflow/mail"
	"semesterflow/plan"
	"semesterflow/store"
)

// DirectoryInlinePeople is the largest directory an email lists whole.
// Beyond it each head's email would grow with the union (50,000 rows at
// 1,000 departments of 50, sent to every head), so a head gets the leaders
// and their own department, and the link to the whole directory.
const DirectoryInlinePeople = 200

// directoryLinkLife is how long the directory's link works after the term
// ends, in real time.
const directoryLinkLife = 30 * 24 * time.Hour

// SendDirectory emails the term's personnel directory (leaders, then every
// department with its head first) to every department head, one email each,
// in one batch, with a link to the directory on the portal.
func (a *Activities) SendDirectory(ctx context.Context, in contract.SendDirectoryInput) (contract.DeliveryResult, error) {
	dir, err := a.Store.LoadDirectory(ctx, in.TermID)
	if err != nil {
		// Retried: the term's SaveDirectory may not have committed yet.
		return contract.DeliveryResult{}, storeError("load the directory of "+in.TermID, err)
	}
	groups := directoryGroups(dir)
	departments, people := mail.CountDirectory(groups)
	whole := people <= DirectoryInlinePeople
	expires := dir.Term.EndsOn.Add(directoryLinkLife)
	if soonest := time.Now().Add(directoryLinkLife); expires.Before(soonest) {
		expires = soonest
	}

	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID
	const purpose = "kickoff-directory"
	seen := map[string]bool{}
	var msgs []mail.Message
	for i, d := range dir.Departments {
		if d.HeadEmail == "" || seen[d.HeadEmail] {
			continue
		}
		seen[d.HeadEmail] = true
		data := mail.DirectoryData{
			TermName: dir.Term.Name, RecipientName: d.HeadName, Groups: groups,
			Departments: departments, People: people,
			Link: a.link(links.Claims{Person: d.HeadEmail, WorkflowID: workflowID, Action: links.ViewDirectory, Slot: in.TermID, Expires: expires}),
		}
		if !whole {
			data.Groups = ownGroups(groups, len(dir.Leaders) > 0, i)
		}
		r, err := mail.Render("directory", data)
		if err != nil {
			return contract.DeliveryResult{}, contract.Template("render the directory email", err)
		}
		msgs = append(msgs, mail.Message{
			Key:     emailKey(workflowID, purpose, d.HeadEmail),
			To:      mail.Address{Name: d.HeadName, Email: d.HeadEmail},
			Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		})
	}
	return a.deliver(ctx, purpose, msgs)
}

// ownGroups keeps the leaders' group, when there is one, and department i's.
func ownGroups(groups []mail.DirectoryGroup, leaders bool, i int) []mail.DirectoryGroup {
	if !leaders {
		return groups[i : i+1]
	}
	return []mail.DirectoryGroup{groups[0], groups[1+i]}
}

// directoryGroups lays out the directory by department: the leaders first,
// then each department with its head before its officers.
func directoryGroups(dir store.Directory) []mail.DirectoryGroup {
	var groups []mail.DirectoryGroup
	if len(dir.Leaders) > 0 {
		g := mail.DirectoryGroup{Department: mail.DirectoryLeaders}
		for _, l := range dir.Leaders {
			g.People = append(g.People, mail.DirectoryEntry{Name: l.Name, Role: orDefault(l.Role, "Leader"), Email: l.Email})
		}
		groups = append(groups, g)
	}
	pos := map[string]int{}
	for _, d := range dir.Departments {
		pos[d.ID] = len(groups)
		groups = append(groups, mail.DirectoryGroup{
			Department: d.Name,
			People:     []mail.DirectoryEntry{{Name: d.HeadName, Role: "Head", Email: d.HeadEmail}},
		})
	}
	// LoadDirectory orders officers by department and position.
	for _, o := range dir.Officers {
		i, ok := pos[o.DepartmentID]
		if !ok || o.LeftAt != nil {
			continue
		}
		groups[i].People = append(groups[i].People, mail.DirectoryEntry{Name: o.Name, Role: orDefault(o.Role, "Officer"), Email: o.Email})
	}
	return groups
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// SendKickoffInvitations records the kickoff meeting and emails every
// department head and leader an invitation with the agenda and a calendar
// invite, one email per person, in one batch. Someone who is both a head and
// a leader is invited once, as the head.
func (a *Activities) SendKickoffInvitations(ctx context.Context, in contract.SendKickoffInvitationsInput) (contract.KickoffInvitationsResult, error) {
	workflowID := activity.GetInfo(ctx).WorkflowExecution.ID

	type invitee struct {
		person     plan.Person
		department string
	}
	var invitees []invitee
	seen := map[string]bool{}
	add := func(p plan.Person, department string) {
		email := plan.NormalizeEmail(p.Email)
		if email == "" || seen[email] {
			return
		}
		seen[email] = true
		p.Email = email
		invitees = append(invitees, invitee{person: p, department: department})
	}
	for _, h := range in.Heads {
		add(h.Head, h.DepartmentName)
	}
	for _, l := range in.Leaders {
		add(l, "")
	}

	err := a.Store.SaveKickoff(ctx, store.Kickoff{
		TermID: in.TermID, StartsAt: in.Starts, EndsAt: in.Ends, Place: in.Where,
		Agenda: in.Agenda, Invited: len(invitees), WorkflowID: workflowID,
	})
	if err != nil {
		return contract.KickoffInvitationsResult{}, storeError("record the kickoff of "+in.TermID, err)
	}

	inv := mail.Invite{
		UID:       workflowID,
		Summary:   "Ministerial kickoff meeting, " + in.TermName,
		Location:  in.Where,
		Start:     in.Starts,
		End:       in.Ends,
		Organizer: a.organizer(),
		Stamp:     in.Stamp,
	}
	var desc strings.Builder
	desc.WriteString("Agenda: the term's main tasks\n")
	for i, item := range in.Agenda {
		fmt.Fprintf(&desc, "%d. %s\n", i+1, item)
	}
	fmt.Fprintf(&desc, "Each department's plan and suggestions are due by %s.", in.TimeZone.Human(in.PlansDue))
	inv.Description = desc.String()
	for _, p := range invitees {
		inv.Attendees = append(inv.Attendees, mail.Address{Name: p.person.Name, Email: p.person.Email})
	}
	ics := mail.CalendarInvite(inv)

	data := mail.KickoffInvitationData{
		TermName: in.TermName,
		Starts:   in.TimeZone.Human(in.Starts),
		Ends:     in.TimeZone.Human(in.Ends),
		Where:    in.Where,
		Agenda:   in.Agenda,
		PlansDue: in.TimeZone.Human(in.PlansDue),
	}
	const purpose = "kickoff-invitation"
	msgs := make([]mail.Message, 0, len(invitees))
	for _, p := range invitees {
		d := data
		d.RecipientName, d.DepartmentName = p.person.Name, p.department
		r, err := mail.Render("kickoff_invitation", d)
		if err != nil {
			return contract.KickoffInvitationsResult{}, contract.Template("render the kickoff invitations", err)
		}
		msgs = append(msgs, mail.Message{
			Key:         emailKey(workflowID, purpose, p.person.Email),
			To:          mail.Address{Name: p.person.Name, Email: p.person.Email},
			Subject:     r.Subject,
			HTML:        r.HTML,
			Text:        r.Text,
			Attachments: []mail.Attachment{ics},
		})
	}
	res, err := a.deliver(ctx, purpose, msgs)
	if err != nil {
		return contract.KickoffInvitationsResult{}, err
	}
	return contract.KickoffInvitationsResult{DeliveryResult: res, Invited: len(invitees)}, nil
}
