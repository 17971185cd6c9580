package mail

// sampleKickoffInvitation invites a department head to the kickoff.
func sampleKickoffInvitation() KickoffInvitationData {
	return KickoffInvitationData{
		TermName:       "Fall term 2026",
		RecipientName:  "Sun Hao",
		DepartmentName: "Publicity Department",
		Starts:         "Tue 15 Sep 2026, 19:00 (Asia/Shanghai)",
		Ends:           "Tue 15 Sep 2026, 21:00 (Asia/Shanghai)",
		Where:          "Student Activity Centre, meeting room 1",
		Agenda: []string{
			"Training of the new officers and their evaluation at the end of term",
			"Exchanges between departments every two weeks, with sign-in & minutes",
			"The Party and League Knowledge Contest in October",
		},
		PlansDue: "Tue 22 Sep 2026, 23:59 (Asia/Shanghai)",
	}
}

// sampleDirectory is a small directory: the leaders and two departments,
// with a name that needs escaping and roles of different widths.
func sampleDirectory() DirectoryData {
	d := DirectoryData{
		TermName:      "Fall term 2026",
		RecipientName: "Sun Hao",
		Groups: []DirectoryGroup{
			{Department: DirectoryLeaders, People: []DirectoryEntry{
				{Name: "Li Wei", Role: "Minister of Organization", Email: "li.wei@example.edu"},
				{Name: "Zhang Hua", Role: "Deputy Minister", Email: "zhang.hua@example.edu"},
			}},
			{Department: "Organization Department", People: []DirectoryEntry{
				{Name: "Zhou Min", Role: "Head", Email: "zhou.min@example.edu"},
				{Name: "Chen Jie", Role: "Deputy head", Email: "chen.jie@example.edu"},
				{Name: "Wu Tong", Role: "Secretary", Email: "wu.tong@example.edu"},
			}},
			{Department: "Publicity <Department>", People: []DirectoryEntry{
				{Name: "Sun Hao", Role: "Head", Email: "sun.hao@example.edu"},
				{Name: "Zoë O'Brien", Role: "Officer", Email: "zoe.obrien@example.edu"},
			}},
		},
	}
	d.Departments, d.People = CountDirectory(d.Groups)
	return d
}
