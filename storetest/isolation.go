package storetest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tenantry/tenantry"
)

// isoTenant is the model of one tenant in the isolation test.
type isoTenant struct {
	id       string
	h        tenantry.TenantStore
	members  map[string]bool
	projects map[string]*tenantry.Project
	pOrder   []string
	tasks    map[string]*tenantry.Task
	tOrder   []string
}

// RunIsolation runs ops random operations on three tenants whose rows have
// colliding names, through each tenant's handle but often with another
// tenant's ids, and checks every answer against an in-memory model. The
// seed comes from TENANTRY_STORETEST_SEED when set and is logged on failure.
// Under testing.Short it runs at most 2,000 operations.
func RunIsolation(t *testing.T, open func(t *testing.T) tenantry.Store, ops int) {
	if testing.Short() && ops > 2000 {
		ops = 2000
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("TENANTRY_STORETEST_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("TENANTRY_STORETEST_SEED: %v", err)
		}
		seed = n
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("isolation seed %d: rerun with TENANTRY_STORETEST_SEED=%d", seed, seed)
		}
	})
	s := open(t)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 0x7e4a47))
	var users []string
	for i := range 7 {
		users = append(users, newUser(t, ctx, s, fmt.Sprintf("iso%d@example.com", i)).ID)
	}
	var ts []*isoTenant
	for i, slug := range []string{"acme", "acme-1", "acme1"} {
		tn, h := newTenant(t, ctx, s, slug, "enterprise", users[i])
		it := &isoTenant{id: tn.ID, h: h, members: map[string]bool{users[i]: true}, projects: map[string]*tenantry.Project{}, tasks: map[string]*tenantry.Task{}}
		_, err := h.AddMember(ctx, users[3+i], tenantry.RoleMember)
		fatalIf(t, "AddMember", err)
		it.members[users[3+i]] = true
		ts = append(ts, it)
	}
	// users[6] belongs to tenants 0 and 1.
	for _, it := range ts[:2] {
		_, err := it.h.AddMember(ctx, users[6], tenantry.RoleAdmin)
		fatalIf(t, "AddMember", err)
		it.members[users[6]] = true
	}
	names := []string{"Apollo", "Gemini", "Mercury", "Artemis", "Orion", "Vega", "Acme", "Roadmap"}
	var gone []string
	owner := func(id string) *isoTenant {
		for _, it := range ts {
			if it.projects[id] != nil || it.tasks[id] != nil {
				return it
			}
		}
		return nil
	}
	pick := func(self *isoTenant, tasks bool) string {
		r := rng.IntN(10)
		var it *isoTenant
		switch {
		case r < 4:
			it = self
		case r < 8:
			it = ts[rng.IntN(len(ts))]
		case r < 9 && len(gone) > 0:
			return gone[rng.IntN(len(gone))]
		default:
			return tenantry.NewID()
		}
		order := it.pOrder
		if tasks {
			order = it.tOrder
		}
		if len(order) == 0 {
			return tenantry.NewID()
		}
		return order[rng.IntN(len(order))]
	}
	pickUser := func() *string {
		if rng.IntN(4) == 0 {
			return nil
		}
		return &users[rng.IntN(len(users))]
	}
	var desc string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("op %s: "+format, append([]any{desc}, args...)...)
	}
	code := func(err error) string { return tenantry.ErrorCode(err) }
	checkP := func(self *isoTenant, got *tenantry.Project) {
		if got.TenantID != self.id {
			fail("got project %s of tenant %s through tenant %s", got.ID, got.TenantID, self.id)
		}
		if want := self.projects[got.ID]; want == nil {
			fail("got project %s that the model does not have", got.ID)
		} else if d := sameProject(got, want); d != "" {
			fail("project: %s", d)
		}
	}
	checkT := func(self *isoTenant, got *tenantry.Task) {
		if got.TenantID != self.id {
			fail("got task %s of tenant %s through tenant %s", got.ID, got.TenantID, self.id)
		}
		if want := self.tasks[got.ID]; want == nil {
			fail("got task %s that the model does not have", got.ID)
		} else if d := sameTask(got, want); d != "" {
			fail("task: %s", d)
		}
	}
	// unchanged re-reads a foreign id through its owner's handle.
	unchanged := func(id string) {
		it := owner(id)
		if it == nil {
			return
		}
		if it.projects[id] != nil {
			p, err := pj(it.h).Project(ctx, id)
			if err != nil {
				fail("owner's Project(%s): %v", id, err)
			}
			checkP(it, p)
		} else {
			tk, err := pj(it.h).Task(ctx, id)
			if err != nil {
				fail("owner's Task(%s): %v", id, err)
			}
			checkT(it, tk)
		}
	}
	removeID := func(order []string, id string) []string {
		i := slices.Index(order, id)
		return slices.Delete(order, i, i+1)
	}
	start := time.Now()
	for op := range ops {
		self := ts[rng.IntN(len(ts))]
		h := self.h
		switch r := rng.IntN(100); {
		case r < 12: // create project
			name := names[rng.IntN(len(names))]
			desc = fmt.Sprintf("%d: tenant %s CreateProject(%q)", op, self.id, name)
			taken := false
			for _, p := range self.projects {
				taken = taken || p.Name == name
			}
			p, err := pj(h).CreateProject(ctx, tenantry.ProjectCreate{Name: name, Description: "about " + name, IsActive: ptr(rng.IntN(3) > 0)})
			if taken {
				if code(err) != tenantry.ECONFLICT {
					fail("got %v, want conflict", err)
				}
				continue
			}
			if err != nil {
				fail("got %v, want a project", err)
			}
			self.projects[p.ID] = p
			self.pOrder = append(self.pOrder, p.ID)
			checkP(self, p)
		case r < 24: // read project
			id := pick(self, false)
			desc = fmt.Sprintf("%d: tenant %s Project(%s)", op, self.id, id)
			p, err := pj(h).Project(ctx, id)
			if self.projects[id] == nil {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v (%+v), want not_found", err, p)
				}
				continue
			}
			if err != nil {
				fail("got %v", err)
			}
			checkP(self, p)
		case r < 34: // update project
			id := pick(self, false)
			pu := tenantry.ProjectUpdate{IsActive: ptr(rng.IntN(2) == 0)}
			if rng.IntN(2) == 0 {
				pu.Name = &names[rng.IntN(len(names))]
			}
			desc = fmt.Sprintf("%d: tenant %s UpdateProject(%s, name %q)", op, self.id, id, deref(pu.Name))
			p, err := pj(h).UpdateProject(ctx, id, pu)
			if self.projects[id] == nil {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v, want not_found", err)
				}
				unchanged(id)
				continue
			}
			taken := false
			for _, q := range self.projects {
				taken = taken || pu.Name != nil && q.ID != id && q.Name == *pu.Name
			}
			if taken {
				if code(err) != tenantry.ECONFLICT {
					fail("got %v, want conflict", err)
				}
				unchanged(id)
				continue
			}
			if err != nil {
				fail("got %v", err)
			}
			want := *self.projects[id]
			if pu.Name != nil {
				want.Name = *pu.Name
			}
			want.IsActive, want.UpdatedAt = *pu.IsActive, p.UpdatedAt
			self.projects[id] = &want
			checkP(self, p)
		case r < 38: // delete project
			id := pick(self, false)
			desc = fmt.Sprintf("%d: tenant %s DeleteProject(%s)", op, self.id, id)
			err := pj(h).DeleteProject(ctx, id)
			if self.projects[id] == nil {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v, want not_found", err)
				}
				unchanged(id)
				continue
			}
			if err != nil {
				fail("got %v", err)
			}
			delete(self.projects, id)
			self.pOrder = removeID(self.pOrder, id)
			gone = append(gone, id)
			for _, tid := range slices.Clone(self.tOrder) {
				if self.tasks[tid].ProjectID == id {
					delete(self.tasks, tid)
					self.tOrder = removeID(self.tOrder, tid)
					gone = append(gone, tid)
				}
			}
		case r < 46: // list projects
			f := tenantry.ProjectFilter{}
			if rng.IntN(3) == 0 {
				f.IsActive = ptr(rng.IntN(2) == 0)
			}
			desc = fmt.Sprintf("%d: tenant %s Projects(active %v)", op, self.id, f.IsActive)
			var got []string
			f.Limit = 1 + rng.IntN(5)
			for {
				ps, next, err := pj(h).Projects(ctx, f)
				if err != nil {
					fail("got %v", err)
				}
				for _, p := range ps {
					checkP(self, p)
					got = append(got, p.ID)
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			var want []string
			for _, id := range self.pOrder {
				if f.IsActive == nil || self.projects[id].IsActive == *f.IsActive {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				fail("got %v, want %v", got, want)
			}
		case r < 60: // create task
			if len(self.tOrder) >= 40 {
				continue
			}
			pid := pick(self, false)
			who := pickUser()
			desc = fmt.Sprintf("%d: tenant %s CreateTask(project %s, assignee %q)", op, self.id, pid, deref(who))
			tk, err := pj(h).CreateTask(ctx, tenantry.TaskCreate{ProjectID: pid, Title: names[rng.IntN(len(names))], Completed: rng.IntN(2) == 0, AssignedToID: who})
			badWho := who != nil && !self.members[*who]
			switch {
			case self.projects[pid] == nil && badWho:
				if c := code(err); c != tenantry.ENOTFOUND && c != tenantry.EINVALID {
					fail("got %v, want not_found or validation_failed", err)
				}
				unchanged(pid)
			case self.projects[pid] == nil:
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v (%+v), want not_found", err, tk)
				}
				unchanged(pid)
			case badWho:
				if code(err) != tenantry.EINVALID {
					fail("got %v, want validation_failed", err)
				}
			default:
				if err != nil {
					fail("got %v", err)
				}
				self.tasks[tk.ID] = tk
				self.tOrder = append(self.tOrder, tk.ID)
				checkT(self, tk)
			}
		case r < 70: // read task
			id := pick(self, true)
			desc = fmt.Sprintf("%d: tenant %s Task(%s)", op, self.id, id)
			tk, err := pj(h).Task(ctx, id)
			if self.tasks[id] == nil {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v (%+v), want not_found", err, tk)
				}
				continue
			}
			if err != nil {
				fail("got %v", err)
			}
			checkT(self, tk)
		case r < 80: // update task
			id := pick(self, true)
			tu := tenantry.TaskUpdate{Completed: ptr(rng.IntN(2) == 0)}
			if rng.IntN(3) == 0 {
				tu.ClearAssignee = true
			} else {
				tu.AssignedToID = pickUser()
			}
			desc = fmt.Sprintf("%d: tenant %s UpdateTask(%s, assignee %q, clear %v)", op, self.id, id, deref(tu.AssignedToID), tu.ClearAssignee)
			tk, err := pj(h).UpdateTask(ctx, id, tu)
			badWho := tu.AssignedToID != nil && !self.members[*tu.AssignedToID]
			switch {
			case self.tasks[id] == nil && badWho:
				if c := code(err); c != tenantry.ENOTFOUND && c != tenantry.EINVALID {
					fail("got %v, want not_found or validation_failed", err)
				}
				unchanged(id)
			case self.tasks[id] == nil:
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v, want not_found", err)
				}
				unchanged(id)
			case badWho:
				if code(err) != tenantry.EINVALID {
					fail("got %v, want validation_failed", err)
				}
				unchanged(id)
			default:
				if err != nil {
					fail("got %v", err)
				}
				want := *self.tasks[id]
				want.Completed, want.UpdatedAt = *tu.Completed, tk.UpdatedAt
				if tu.ClearAssignee {
					want.AssignedToID = nil
				} else if tu.AssignedToID != nil {
					want.AssignedToID = tu.AssignedToID
				}
				self.tasks[id] = &want
				checkT(self, tk)
			}
		case r < 86: // delete task
			id := pick(self, true)
			desc = fmt.Sprintf("%d: tenant %s DeleteTask(%s)", op, self.id, id)
			err := pj(h).DeleteTask(ctx, id)
			if self.tasks[id] == nil {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v, want not_found", err)
				}
				unchanged(id)
				continue
			}
			if err != nil {
				fail("got %v", err)
			}
			delete(self.tasks, id)
			self.tOrder = removeID(self.tOrder, id)
			gone = append(gone, id)
		case r < 94: // list tasks
			f := tenantry.TaskFilter{}
			if rng.IntN(2) == 0 {
				f.ProjectID = pick(self, false)
			}
			if rng.IntN(3) == 0 {
				f.Completed = ptr(rng.IntN(2) == 0)
			}
			if rng.IntN(3) == 0 {
				f.AssignedToID = users[rng.IntN(len(users))]
			}
			desc = fmt.Sprintf("%d: tenant %s Tasks(project %q completed %v assignee %q)", op, self.id, f.ProjectID, f.Completed, f.AssignedToID)
			var got []string
			f.Limit = 3 + rng.IntN(10)
			for {
				tks, next, err := pj(h).Tasks(ctx, f)
				if err != nil && f.ProjectID != "" && self.projects[f.ProjectID] == nil && code(err) == tenantry.ENOTFOUND {
					break
				}
				if err != nil {
					fail("got %v", err)
				}
				for _, tk := range tks {
					checkT(self, tk)
					got = append(got, tk.ID)
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			var want []string
			for _, id := range self.tOrder {
				tk := self.tasks[id]
				if (f.ProjectID == "" || tk.ProjectID == f.ProjectID) && (f.Completed == nil || tk.Completed == *f.Completed) &&
					(f.AssignedToID == "" || deref(tk.AssignedToID) == f.AssignedToID) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				fail("got %v, want %v", got, want)
			}
		case r < 97: // members
			uid := users[rng.IntN(len(users))]
			desc = fmt.Sprintf("%d: tenant %s Member(%s)", op, self.id, uid)
			m, err := h.Member(ctx, uid)
			if !self.members[uid] {
				if code(err) != tenantry.ENOTFOUND {
					fail("got %v (%+v), want not_found", err, m)
				}
				desc = fmt.Sprintf("%d: tenant %s RemoveMember(%s) of a non-member", op, self.id, uid)
				if err := h.RemoveMember(ctx, uid); code(err) != tenantry.ENOTFOUND {
					fail("got %v, want not_found", err)
				}
				continue
			}
			if err != nil || m.TenantID != self.id || m.UserID != uid {
				fail("got %+v, %v; want the member of %s", m, err, self.id)
			}
		default: // usage
			desc = fmt.Sprintf("%d: tenant %s Usage", op, self.id)
			u, err := usage(ctx, h)
			if err != nil {
				fail("got %v", err)
			}
			if u.Members != int64(len(self.members)) || u.Projects != int64(len(self.projects)) || u.Tasks != int64(len(self.tasks)) {
				fail("got %+v, want %d members %d projects %d tasks", u, len(self.members), len(self.projects), len(self.tasks))
			}
		}
	}
	t.Logf("isolation: %d operations in %v (seed %d)", ops, time.Since(start).Round(time.Millisecond), seed)
}
