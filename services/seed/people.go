package seed

import (
	"fmt"
	"strings"

	"github.com/frontdesk/frontdesk/services/users"
)

var firstNames = []string{
	"Ada", "Alan", "Amara", "Bea", "Carlos", "Chen", "Dara", "Elena", "Emeka", "Farah",
	"Grace", "Hana", "Ines", "Ivan", "Jonas", "Kai", "Lena", "Liam", "Maya", "Mateo",
	"Nadia", "Noah", "Olga", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Sofia", "Tariq",
	"Uma", "Victor", "Wen", "Yara", "Yusuf", "Zoe",
}

var lastNames = []string{
	"Lovelace", "Turing", "Hopper", "Okafor", "Nakamura", "Silva", "Kowalski", "Haddad", "Jensen", "Moreau",
	"Rossi", "Schmidt", "Tanaka", "Novak", "Fischer", "Garcia", "Ibrahim", "Kim", "Larsen", "Mendes",
	"Nguyen", "Osei", "Petrov", "Quist", "Reyes", "Sato", "Varga", "Weber", "Young", "Zhang",
}

// users returns NumUsers users: customers first, then five support agents and
// five admins. usr_0001 is always Ada Lovelace.
func (g *generator) users() []users.User {
	names := []string{"Ada Lovelace"}
	for _, i := range g.rnd.Perm(len(firstNames) * len(lastNames)) {
		if len(names) == NumUsers {
			break
		}
		name := firstNames[i%len(firstNames)] + " " + lastNames[i/len(firstNames)]
		if name != names[0] {
			names = append(names, name)
		}
	}
	created := g.sortedTimes(NumUsers, g.base.AddDate(-2, 0, 0), g.base.AddDate(-1, 0, 0))
	out := make([]users.User, NumUsers)
	for i := range out {
		u := users.User{
			ID:        fmt.Sprintf("usr_%04d", i+1),
			Name:      names[i],
			Email:     strings.ToLower(strings.ReplaceAll(names[i], " ", ".")) + "@example.com",
			Tier:      users.TierFree,
			Roles:     []string{"customer"},
			CreatedAt: created[i],
		}
		switch n := i + 1; {
		case n > NumUsers-5:
			u.Roles, u.Tier = []string{"admin", "support"}, users.TierPro
		case n > NumCustomers:
			u.Roles, u.Tier = []string{"support"}, users.TierPro
		case g.chance(0.25):
			u.Tier = users.TierPro
		}
		out[i] = u
	}
	return out
}

// customerID returns the id of customer n (0-based).
func customerID(n int) string { return fmt.Sprintf("usr_%04d", n+1) }
