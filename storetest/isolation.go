package storetest

import (
	"context"
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

// isoModel is the in-memory model of the isolation test: three tenants
// with colliding names, their users, and the ids of deleted rows. Each
// operation is one method: it acts through a tenant's handle, often with
// another tenant's ids, and checks the answer against the model.
type isoModel struct {
	t       *testing.T
	ctx     context.Context
	rng     *rand.Rand
	tenants []*isoTenant
	users   []string
	gone    []string
	names   []string
	// desc says which operation runs, for failures.
	desc string
}

// isoNames returns the project and task names: few, so that they collide.
func isoNames() []string {
	return []string{"Apollo", "Gemini", "Mercury", "Artemis", "Orion", "Vega", "Acme", "Roadmap"}
}

// isoOp is one kind of operation and its weight among all (of 100).
type isoOp struct {
	weight int
	run    func(m *isoModel, self *isoTenant)
}

// isoOps returns the operations, whose weights add up to 100.
func isoOps() []isoOp {
	return []isoOp{
		{12, (*isoModel).createProject}, {12, (*isoModel).readProject}, {10, (*isoModel).updateProject},
		{4, (*isoModel).deleteProject}, {8, (*isoModel).listProjects}, {14, (*isoModel).createTask},
		{10, (*isoModel).readTask}, {10, (*isoModel).updateTask}, {6, (*isoModel).deleteTask},
		{8, (*isoModel).listTasks}, {3, (*isoModel).member}, {3, (*isoModel).usage},
	}
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
	seed := isolationSeed(t)
	m := newIsoModel(t, open(t), rand.New(rand.NewPCG(seed, 0x7e4a47)))
	start := time.Now()
	all := isoOps()
	for op := range ops {
		self := m.tenants[m.rng.IntN(len(m.tenants))]
		r := m.rng.IntN(100)
		for _, o := range all {
			if r -= o.weight; r < 0 {
				m.desc = fmt.Sprintf("%d: tenant %s", op, self.id)
				o.run(m, self)
				break
			}
		}
	}
	t.Logf("isolation: %d operations in %v (seed %d)", ops, time.Since(start).Round(time.Millisecond), seed)
}

// isolationSeed returns the seed, from TENANTRY_STORETEST_SEED when set,
// and logs it when the test fails.
func isolationSeed(t *testing.T) uint64 {
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
	return seed
}

// newIsoModel makes seven users and three tenants on s: each with its
// owner and a member, and users[6] an admin of the first two.
func newIsoModel(t *testing.T, s tenantry.Store, rng *rand.Rand) *isoModel {
	ctx := t.Context()
	m := &isoModel{t: t, ctx: ctx, rng: rng, names: isoNames()}
	for i := range 7 {
		m.users = append(m.users, newUser(t, ctx, s, fmt.Sprintf("iso%d@example.com", i)).ID)
	}
	for i, slug := range []string{"acme", "acme-1", "acme1"} {
		tn, h := newTenant(t, ctx, s, slug, "enterprise", m.users[i])
		it := &isoTenant{id: tn.ID, h: h, members: map[string]bool{m.users[i]: true},
			projects: map[string]*tenantry.Project{}, tasks: map[string]*tenantry.Task{}}
		m.join(it, m.users[3+i], tenantry.RoleMember)
		m.tenants = append(m.tenants, it)
	}
	for _, it := range m.tenants[:2] {
		m.join(it, m.users[6], tenantry.RoleAdmin)
	}
	return m
}

// join adds user to it with role.
func (m *isoModel) join(it *isoTenant, user string, role tenantry.Role) {
	_, err := it.h.AddMember(m.ctx, user, role)
	fatalIf(m.t, "AddMember", err)
	it.members[user] = true
}

// fail ends the test, naming the operation.
func (m *isoModel) fail(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("op %s: "+format, append([]any{m.desc}, args...)...)
}

// want fails unless err has code.
func (m *isoModel) want(err error, code string) {
	m.t.Helper()
	if got := tenantry.ErrorCode(err); got != code {
		m.fail("got %v, want %q", err, code)
	}
}

// name returns one of the colliding names.
func (m *isoModel) name() string { return m.names[m.rng.IntN(len(m.names))] }

// pick returns a project (or task) id: self's, another tenant's, a
// deleted one or an unknown one.
func (m *isoModel) pick(self *isoTenant, tasks bool) string {
	r := m.rng.IntN(10)
	var it *isoTenant
	switch {
	case r < 4:
		it = self
	case r < 8:
		it = m.tenants[m.rng.IntN(len(m.tenants))]
	case r < 9 && len(m.gone) > 0:
		return m.gone[m.rng.IntN(len(m.gone))]
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
	return order[m.rng.IntN(len(order))]
}

// pickUser returns a user id, any tenant's member or none (nil).
func (m *isoModel) pickUser() *string {
	if m.rng.IntN(4) == 0 {
		return nil
	}
	return &m.users[m.rng.IntN(len(m.users))]
}

// owner returns the tenant a project or task id belongs to, nil for none.
func (m *isoModel) owner(id string) *isoTenant {
	for _, it := range m.tenants {
		if it.projects[id] != nil || it.tasks[id] != nil {
			return it
		}
	}
	return nil
}

// checkProject fails unless got is self's project as the model has it.
func (m *isoModel) checkProject(self *isoTenant, got *tenantry.Project) {
	m.t.Helper()
	if got.TenantID != self.id {
		m.fail("got project %s of tenant %s through tenant %s", got.ID, got.TenantID, self.id)
	}
	if want := self.projects[got.ID]; want == nil {
		m.fail("got project %s that the model does not have", got.ID)
	} else if d := sameProject(got, want); d != "" {
		m.fail("project: %s", d)
	}
}

// checkTask fails unless got is self's task as the model has it.
func (m *isoModel) checkTask(self *isoTenant, got *tenantry.Task) {
	m.t.Helper()
	if got.TenantID != self.id {
		m.fail("got task %s of tenant %s through tenant %s", got.ID, got.TenantID, self.id)
	}
	if want := self.tasks[got.ID]; want == nil {
		m.fail("got task %s that the model does not have", got.ID)
	} else if d := sameTask(got, want); d != "" {
		m.fail("task: %s", d)
	}
}

// unchanged re-reads a foreign id through its owner's handle: a refused
// call through another tenant changed nothing.
func (m *isoModel) unchanged(id string) {
	it := m.owner(id)
	switch {
	case it == nil:
	case it.projects[id] != nil:
		p, err := pj(it.h).Project(m.ctx, id)
		if err != nil {
			m.fail("owner's Project(%s): %v", id, err)
		}
		m.checkProject(it, p)
	default:
		tk, err := pj(it.h).Task(m.ctx, id)
		if err != nil {
			m.fail("owner's Task(%s): %v", id, err)
		}
		m.checkTask(it, tk)
	}
}

// removeID returns order without id.
func removeID(order []string, id string) []string {
	i := slices.Index(order, id)
	return slices.Delete(order, i, i+1)
}

func (m *isoModel) createProject(self *isoTenant) {
	name := m.name()
	m.desc += fmt.Sprintf(" CreateProject(%q)", name)
	taken := false
	for _, p := range self.projects {
		taken = taken || p.Name == name
	}
	p, err := pj(self.h).CreateProject(m.ctx, tenantry.ProjectCreate{Name: name, Description: "about " + name, IsActive: ptr(m.rng.IntN(3) > 0)})
	if taken {
		m.want(err, tenantry.ECONFLICT)
		return
	}
	if err != nil {
		m.fail("got %v, want a project", err)
	}
	self.projects[p.ID] = p
	self.pOrder = append(self.pOrder, p.ID)
	m.checkProject(self, p)
}

func (m *isoModel) readProject(self *isoTenant) {
	id := m.pick(self, false)
	m.desc += fmt.Sprintf(" Project(%s)", id)
	p, err := pj(self.h).Project(m.ctx, id)
	if self.projects[id] == nil {
		m.want(err, tenantry.ENOTFOUND)
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	m.checkProject(self, p)
}

func (m *isoModel) updateProject(self *isoTenant) {
	id := m.pick(self, false)
	pu := tenantry.ProjectUpdate{IsActive: ptr(m.rng.IntN(2) == 0)}
	if m.rng.IntN(2) == 0 {
		pu.Name = ptr(m.name())
	}
	m.desc += fmt.Sprintf(" UpdateProject(%s, name %q)", id, deref(pu.Name))
	p, err := pj(self.h).UpdateProject(m.ctx, id, pu)
	if self.projects[id] == nil {
		m.want(err, tenantry.ENOTFOUND)
		m.unchanged(id)
		return
	}
	for _, q := range self.projects {
		if pu.Name != nil && q.ID != id && q.Name == *pu.Name {
			m.want(err, tenantry.ECONFLICT)
			m.unchanged(id)
			return
		}
	}
	if err != nil {
		m.fail("got %v", err)
	}
	want := *self.projects[id]
	if pu.Name != nil {
		want.Name = *pu.Name
	}
	want.IsActive, want.UpdatedAt = *pu.IsActive, p.UpdatedAt
	self.projects[id] = &want
	m.checkProject(self, p)
}

func (m *isoModel) deleteProject(self *isoTenant) {
	id := m.pick(self, false)
	m.desc += fmt.Sprintf(" DeleteProject(%s)", id)
	err := pj(self.h).DeleteProject(m.ctx, id)
	if self.projects[id] == nil {
		m.want(err, tenantry.ENOTFOUND)
		m.unchanged(id)
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	delete(self.projects, id)
	self.pOrder = removeID(self.pOrder, id)
	m.gone = append(m.gone, id)
	for _, tid := range slices.Clone(self.tOrder) {
		if self.tasks[tid].ProjectID == id {
			delete(self.tasks, tid)
			self.tOrder = removeID(self.tOrder, tid)
			m.gone = append(m.gone, tid)
		}
	}
}

func (m *isoModel) listProjects(self *isoTenant) {
	f := tenantry.ProjectFilter{}
	if m.rng.IntN(3) == 0 {
		f.IsActive = ptr(m.rng.IntN(2) == 0)
	}
	m.desc += fmt.Sprintf(" Projects(active %v)", f.IsActive)
	var got []string
	f.Limit = 1 + m.rng.IntN(5)
	for {
		ps, next, err := pj(self.h).Projects(m.ctx, f)
		if err != nil {
			m.fail("got %v", err)
		}
		for _, p := range ps {
			m.checkProject(self, p)
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
		m.fail("got %v, want %v", got, want)
	}
}

// refusedTask checks the error of a task call that names a project or
// task the tenant does not have (missing) or an assignee who is not its
// member (badWho), and reports whether it was one.
func (m *isoModel) refusedTask(err error, id string, missing, badWho bool) bool {
	m.t.Helper()
	switch {
	case missing && badWho:
		if c := tenantry.ErrorCode(err); c != tenantry.ENOTFOUND && c != tenantry.EINVALID {
			m.fail("got %v, want not_found or validation_failed", err)
		}
	case missing:
		m.want(err, tenantry.ENOTFOUND)
	case badWho:
		m.want(err, tenantry.EINVALID)
	default:
		return false
	}
	m.unchanged(id)
	return true
}

func (m *isoModel) createTask(self *isoTenant) {
	if len(self.tOrder) >= 40 {
		return
	}
	pid, who := m.pick(self, false), m.pickUser()
	m.desc += fmt.Sprintf(" CreateTask(project %s, assignee %q)", pid, deref(who))
	tk, err := pj(self.h).CreateTask(m.ctx, tenantry.TaskCreate{ProjectID: pid, Title: m.name(), Completed: m.rng.IntN(2) == 0, AssignedToID: who})
	if m.refusedTask(err, pid, self.projects[pid] == nil, who != nil && !self.members[*who]) {
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	self.tasks[tk.ID] = tk
	self.tOrder = append(self.tOrder, tk.ID)
	m.checkTask(self, tk)
}

func (m *isoModel) readTask(self *isoTenant) {
	id := m.pick(self, true)
	m.desc += fmt.Sprintf(" Task(%s)", id)
	tk, err := pj(self.h).Task(m.ctx, id)
	if self.tasks[id] == nil {
		m.want(err, tenantry.ENOTFOUND)
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	m.checkTask(self, tk)
}

func (m *isoModel) updateTask(self *isoTenant) {
	id := m.pick(self, true)
	tu := tenantry.TaskUpdate{Completed: ptr(m.rng.IntN(2) == 0)}
	if m.rng.IntN(3) == 0 {
		tu.ClearAssignee = true
	} else {
		tu.AssignedToID = m.pickUser()
	}
	m.desc += fmt.Sprintf(" UpdateTask(%s, assignee %q, clear %v)", id, deref(tu.AssignedToID), tu.ClearAssignee)
	tk, err := pj(self.h).UpdateTask(m.ctx, id, tu)
	if m.refusedTask(err, id, self.tasks[id] == nil, tu.AssignedToID != nil && !self.members[*tu.AssignedToID]) {
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	want := *self.tasks[id]
	want.Completed, want.UpdatedAt = *tu.Completed, tk.UpdatedAt
	if tu.ClearAssignee {
		want.AssignedToID = nil
	} else if tu.AssignedToID != nil {
		want.AssignedToID = tu.AssignedToID
	}
	self.tasks[id] = &want
	m.checkTask(self, tk)
}

func (m *isoModel) deleteTask(self *isoTenant) {
	id := m.pick(self, true)
	m.desc += fmt.Sprintf(" DeleteTask(%s)", id)
	err := pj(self.h).DeleteTask(m.ctx, id)
	if self.tasks[id] == nil {
		m.want(err, tenantry.ENOTFOUND)
		m.unchanged(id)
		return
	}
	if err != nil {
		m.fail("got %v", err)
	}
	delete(self.tasks, id)
	self.tOrder = removeID(self.tOrder, id)
	m.gone = append(m.gone, id)
}

func (m *isoModel) listTasks(self *isoTenant) {
	f := tenantry.TaskFilter{}
	if m.rng.IntN(2) == 0 {
		f.ProjectID = m.pick(self, false)
	}
	if m.rng.IntN(3) == 0 {
		f.Completed = ptr(m.rng.IntN(2) == 0)
	}
	if m.rng.IntN(3) == 0 {
		f.AssignedToID = m.users[m.rng.IntN(len(m.users))]
	}
	m.desc += fmt.Sprintf(" Tasks(project %q completed %v assignee %q)", f.ProjectID, f.Completed, f.AssignedToID)
	var got []string
	f.Limit = 3 + m.rng.IntN(10)
	for {
		tks, next, err := pj(self.h).Tasks(m.ctx, f)
		if err != nil && f.ProjectID != "" && self.projects[f.ProjectID] == nil && tenantry.IsCode(err, tenantry.ENOTFOUND) {
			break
		}
		if err != nil {
			m.fail("got %v", err)
		}
		for _, tk := range tks {
			m.checkTask(self, tk)
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
		m.fail("got %v, want %v", got, want)
	}
}

func (m *isoModel) member(self *isoTenant) {
	uid := m.users[m.rng.IntN(len(m.users))]
	m.desc += fmt.Sprintf(" Member(%s)", uid)
	got, err := self.h.Member(m.ctx, uid)
	if !self.members[uid] {
		m.want(err, tenantry.ENOTFOUND)
		m.desc += " and RemoveMember of a non-member"
		m.want(self.h.RemoveMember(m.ctx, uid), tenantry.ENOTFOUND)
		return
	}
	if err != nil || got.TenantID != self.id || got.UserID != uid {
		m.fail("got %+v, %v; want the member of %s", got, err, self.id)
	}
}

func (m *isoModel) usage(self *isoTenant) {
	m.desc += " Usage"
	u, err := usage(m.ctx, self.h)
	if err != nil {
		m.fail("got %v", err)
	}
	if u.Members != int64(len(self.members)) || u.Projects != int64(len(self.projects)) || u.Tasks != int64(len(self.tasks)) {
		m.fail("got %+v, want %d members %d projects %d tasks", u, len(self.members), len(self.projects), len(self.tasks))
	}
}
