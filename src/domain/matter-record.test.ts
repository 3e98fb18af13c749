import { describe, expect, it } from 'vitest';
import { mapMatterColumns, parseRatio, validateMatterRow } from './matter-record.ts';

describe('parseRatio: the floor and ceiling a list’s 抽查比例 says (seed 000 art. 8)', () => {
  it.each([
    ['10%', 10, null],
    ['100%', 100, null],
    ['抽查比例不少于2‰', 0.2, null],
    ['不低于3%或按专项计划确定', 3, null],
    ['不超过总数的2%', null, 2],
    ['根据实际需要，一般不超过 10%/年', null, 10],
    ['3%-5%', 3, 5],
    ['3～5%', 3, 5],
    ['结合登记事项检查一并开展', null, null],
    ['', null, null],
  ])('%s', (text, floor, ceiling) => {
    expect(parseRatio(text)).toEqual({ floor, ceiling });
  });

  it('leaves several numbers that are not a range to people', () => {
    expect(parseRatio('由市级监管部门根据风险情况确定（10%，其中重点检查单位不低于8%）')).toBeUndefined();
  });
});

describe('validateMatterRow: qualifications and experts', () => {
  const headers = ['抽查事项', '检查对象', '事项类别', '抽查比例', '资质要求', '是否需要专家'];
  const map = mapMatterColumns(headers, { departmentGiven: true });

  it('reads qualification tags, the expert flag and the ratio bounds', () => {
    const result = validateMatterRow(
      ['特种设备使用单位监督检查', '使用单位', '重点检查事项', '不低于5%', '特种设备、执法证', '是'],
      map,
      '市场监管局',
    );
    expect(result.ok && result.matter).toMatchObject({
      qualificationTags: ['特种设备', '执法证'],
      needsExpert: true,
      ratioFloor: 5,
      ratioCeiling: null,
    });
  });

  it('refuses an expert flag it cannot read, and warns about a ratio it cannot', () => {
    const bad = validateMatterRow(['事项甲', '企业', '', '', '', '也许'], map, '市场监管局');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems[0]).toMatchObject({ column: '是否需要专家' });
    const unclear = validateMatterRow(
      ['事项乙', '企业', '', '10%，其中重点不低于8%', '', ''],
      map,
      '市场监管局',
    );
    expect(unclear.ok).toBe(true);
    expect(unclear.warnings[0]?.problem).toContain('未能读出比例');
  });
});
