// The joint annual plan and tasks: plain rows, optimistic updates by version.
import { and, desc, eq, exists, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { jointPlans, taskDepartments, tasks } from '../../drizzle/schema.ts';
import type { JointPlan, Repos, Task, TaskDepartment } from '../app/ports.ts';
import type { Db } from './db.ts';

const toJointPlan = (r: typeof jointPlans.$inferSelect): JointPlan => ({
  ...r,
  state: r.state as JointPlan['state'],
  rows: r.rows as string[][],
  under: r.under as JointPlan['under'],
});

const toTask = (r: typeof tasks.$inferSelect): Task => ({
  ...r,
  state: r.state as Task['state'],
  perTeam: r.perTeam as Task['perTeam'],
});

const toTaskDepartment = (r: typeof taskDepartments.$inferSelect): TaskDepartment => ({
  ...r,
  state: r.state as TaskDepartment['state'],
});

export function jointPlanRepo(db: Db, now: () => Date): Repos['jointPlans'] {
  return {
    async create(p) {
      const [row] = await db
        .insert(jointPlans)
        .values({ ...p, state: 'compiled', updatedAt: now() })
        .returning();
      return toJointPlan(row!);
    },
    async get(id) {
      const [row] = await db.select().from(jointPlans).where(eq(jointPlans.id, id));
      return row && toJointPlan(row);
    },
    async list(year) {
      const rows = await db
        .select()
        .from(jointPlans)
        .where(eq(jointPlans.year, year))
        .orderBy(desc(jointPlans.revision));
      return rows.map(toJointPlan);
    },
    async update(id, version, patch) {
      const [row] = await db
        .update(jointPlans)
        .set({ ...patch, version: sql`${jointPlans.version} + 1`, updatedAt: now() })
        .where(and(eq(jointPlans.id, id), eq(jointPlans.version, version)))
        .returning();
      return row && toJointPlan(row);
    },
  };
}

export function taskRepo(db: Db, now: () => Date): Repos['tasks'] {
  /** Departments still pending and not reported, on a platform's tasks under review (and `also`). */
  const awaiting = async (platform: string, also?: SQL) => {
    const rows = await db
      .select({ part: taskDepartments })
      .from(taskDepartments)
      .innerJoin(tasks, eq(tasks.id, taskDepartments.taskId))
      .where(
        and(
          eq(tasks.state, 'reviewing'),
          eq(tasks.chatPlatform, platform),
          eq(taskDepartments.state, 'pending'),
          isNull(taskDepartments.escalatedAt),
          also,
        ),
      )
      .orderBy(taskDepartments.taskId, taskDepartments.departmentId);
    return rows.map((r) => toTaskDepartment(r.part));
  };
  return {
    async create(t, departmentIds) {
      const [row] = await db
        .insert(tasks)
        .values({ ...t, state: 'reviewing', updatedAt: now() })
        .returning();
      const task = toTask(row!);
      const parts =
        departmentIds.length === 0
          ? []
          : await db
              .insert(taskDepartments)
              .values(
                departmentIds.map((departmentId) => ({ taskId: task.id, departmentId, state: 'pending' })),
              )
              .returning();
      return { task, departments: parts.map(toTaskDepartment) };
    },
    async get(id) {
      const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
      return row && toTask(row);
    },
    async lock(id) {
      const [row] = await db.select().from(tasks).where(eq(tasks.id, id)).for('update');
      return row && toTask(row);
    },
    async findLaunchedFrom(launchedFrom) {
      const [row] = await db.select().from(tasks).where(eq(tasks.launchedFrom, launchedFrom));
      return row && toTask(row);
    },
    async withoutDeadline(platform) {
      const rows = await db
        .select()
        .from(tasks)
        .where(
          and(eq(tasks.state, 'reviewing'), eq(tasks.chatPlatform, platform), isNull(tasks.acceptanceDue)),
        );
      return rows.map(toTask);
    },
    async list(filter) {
      const d = filter.departmentId;
      const rows = await db
        .select()
        .from(tasks)
        .where(
          d === undefined
            ? undefined
            : or(
                eq(tasks.leadDepartmentId, d),
                exists(
                  db
                    .select({ one: sql`1` })
                    .from(taskDepartments)
                    .where(and(eq(taskDepartments.taskId, tasks.id), eq(taskDepartments.departmentId, d))),
                ),
              ),
        )
        .orderBy(desc(tasks.id))
        .limit(filter.limit);
      return rows.map(toTask);
    },
    async update(id, version, patch) {
      const [row] = await db
        .update(tasks)
        .set({ ...patch, version: sql`${tasks.version} + 1`, updatedAt: now() })
        .where(and(eq(tasks.id, id), eq(tasks.version, version)))
        .returning();
      return row && toTask(row);
    },
    async departments(taskId) {
      const rows = await db
        .select()
        .from(taskDepartments)
        .where(eq(taskDepartments.taskId, taskId))
        .orderBy(taskDepartments.departmentId);
      return rows.map(toTaskDepartment);
    },
    async updateDepartment(taskId, departmentId, version, patch) {
      const [row] = await db
        .update(taskDepartments)
        .set({ ...patch, version: sql`${taskDepartments.version} + 1` })
        .where(
          and(
            eq(taskDepartments.taskId, taskId),
            eq(taskDepartments.departmentId, departmentId),
            eq(taskDepartments.version, version),
          ),
        )
        .returning();
      return row && toTaskDepartment(row);
    },
    async overdue(today, platform) {
      return awaiting(platform, lt(tasks.acceptanceDue, today));
    },
    async awaiting(platform) {
      return awaiting(platform);
    },
  };
}
