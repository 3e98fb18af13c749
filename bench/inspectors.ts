// Inspector draws for a large task (issue: verifiable draws, bench target under 1 s): 2,000 targets in 200 teams of
// ten, three departments each with 120 people of whom a few are on leave, unqualified or recused, every department
// sending 2 people per team. The algorithm as the chat runs it (domain/inspector-draw.ts), medians of 5 runs.
import { sha256 } from '../src/domain/draw.ts';
import { type Candidate, drawInspectors, type TeamTargets } from '../src/domain/inspector-draw.ts';

const TARGETS = 2_000;
const PER_TEAM_TARGETS = 10;
const PEOPLE = 120;
const DEPARTMENTS = 3;

export interface InspectorBench {
  targets: number;
  teams: number;
  departments: number;
  people: number;
  medianMs: number;
  members: number;
}

export function inspectorBench(): InspectorBench {
  const teams: TeamTargets[] = Array.from({ length: TARGETS / PER_TEAM_TARGETS }, (_, t) => ({
    team: t + 1,
    targets: Array.from({ length: PER_TEAM_TARGETS }, (_, i) => ({
      code: `91370105MA${String(t * PER_TEAM_TARGETS + i).padStart(8, '0')}`,
      area: `片区${t % 8}`,
    })),
  }));
  const people = (d: number): Candidate[] =>
    Array.from({ length: PEOPLE }, (_, i) => ({
      id: String(d * 1000 + i),
      name: `检查员${d}-${i}`,
      active: true,
      certificateNo: i % 7 === 0 ? null : `C${d}${i}`,
      certificateValidUntil: '2029-12-31',
      qualificationTags: i % 23 === 0 ? [] : ['食品'],
      isExpert: i % 11 === 0,
      area: `片区${i % 8}`,
      leaves: i % 17 === 0 ? [{ from: '2027-05-01', to: '2027-05-10' }] : [],
      conflicts: i % 13 === 0 ? [`91370105MA${String(i * 7).padStart(8, '0')}`] : [],
    }));
  const candidates = Array.from({ length: DEPARTMENTS }, (_, d) => people(d + 1));
  const times: number[] = [];
  let members = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    members = 0;
    for (let d = 0; d < DEPARTMENTS; d++) {
      const result = drawInspectors(sha256(`bench ${run} ${d}`), candidates[d]!, teams, {
        perTeam: 2,
        certificateHolders: d === 0 ? 2 : 0,
        expert: d === 1,
        tags: ['食品'],
        window: { from: '2027-04-01', to: '2027-06-30' },
        sameAreaRecusal: true,
        leads: d === 0,
      });
      if (!result.ok)
        throw new Error(`bench fixture cannot be drawn: ${JSON.stringify(result.shortfalls[0])}`);
      members += result.teams.reduce((n, t) => n + t.members.length, 0);
    }
    times.push(performance.now() - t0);
  }
  return {
    targets: TARGETS,
    teams: teams.length,
    departments: DEPARTMENTS,
    people: PEOPLE,
    medianMs: [...times].sort((a, b) => a - b)[2]!,
    members,
  };
}
