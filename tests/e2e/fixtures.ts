/**
 * Fictional people of the sandbox population register. The gateway's sandbox seed holds exactly
 * these records; the numbers are valid under GB 11643 (support/idcard.ts recomputes the check
 * character in the support tests). Never print these values: mask them (support/privacy.ts).
 */
export interface TestPerson {
  /** Full name as registered. */
  name: string;
  idType: 'resident_id_card' | 'residence_permit_hmt';
  /** 18 characters, check character upper-case as issued. */
  idNumber: string;
}

/** The sandbox's pinned "today" (SHEBAO_SANDBOX_DATE), shown in the sandbox banner. */
export const SANDBOX_DATE = '2025-06-15';

/**
 * 马小燕: 640104 (银川市兴庆区), born 1990-03-15, sequence 002 (female), check character 2.
 * Insured flexible worker with one payable pension item for 2025-06 (base 4955.00, rate 20%,
 * amount 991.00): the 申报缴款套餐 journey.
 */
export const MA_XIAOYAN: TestPerson = {
  name: '马小燕',
  idType: 'resident_id_card',
  idNumber: '640104199003150022',
};

/**
 * 王建国: 640202 (石嘴山市大武口区), born 1985-07-20, sequence 001 (male), check character X,
 * typed as a lower-case x. Insured, with one payable pension item for 2025-06 at base 8258.00
 * (1651.60): the journey that closes the app in the middle of paying and resumes.
 */
export const WANG_JIANGUO: TestPerson = {
  name: '王建国',
  idType: 'resident_id_card',
  idNumber: '64020219850720001X',
};

/** What the sandbox assesses for WANG_JIANGUO on SANDBOX_DATE. */
export const WANG_JIANGUO_PAYABLE = { period: '2025-06', amount: '1651.60' } as const;

/** What the sandbox assesses for MA_XIAOYAN on SANDBOX_DATE. */
export const MA_XIAOYAN_PAYABLE = {
  period: '2025-06',
  base: '4955.00',
  rate: '20%',
  amount: '991.00',
} as const;

/**
 * 马福海: 640303 (吴忠市红寺堡区), born 1978-11-08, sequence 003 (male), check character X.
 * Insured, assessed quarterly at the lowest base: one payable for 2025-04 to 2025-06. The
 * 申报作废 journey (declaration-void.e2e.ts).
 */
export const MA_FUHAI: TestPerson = {
  name: '马福海',
  idType: 'resident_id_card',
  idNumber: '64030319781108003X',
};

/** What the sandbox assesses for MA_FUHAI on SANDBOX_DATE: the second quarter of 2025. */
export const MA_FUHAI_PAYABLE = { periodStart: '2025-04', periodEnd: '2025-06' } as const;

/**
 * 张晓梅: 640104 (银川市兴庆区), born 1990-03-15, sequence 004 (female), check character 9.
 * In the population register but not insured: the registration → assessment journey.
 */
export const ZHANG_XIAOMEI: TestPerson = {
  name: '张晓梅',
  idType: 'resident_id_card',
  idNumber: '640104199003150049',
};

/** What the assessment journey chooses for ZHANG_XIAOMEI: 2025-06 at the 100 % grade. */
export const ZHANG_XIAOMEI_ASSESSMENT = {
  period: '2025-06',
  lowestMonthly: '991.00',
  grade: '1.00',
  base: '8258.00',
  amount: '1651.60',
} as const;

/**
 * 陈嘉欣: a 港澳台居民居住证 (810000, born 1992-03-05, sequence 002, check character 7). Insured,
 * with one payable pension item for 2025-06 (991.00): the 完税查询及证明补打 journey, which
 * registers her natural-person account and logs in with the residence permit.
 */
export const CHEN_JIAXIN: TestPerson = {
  name: '陈嘉欣',
  idType: 'residence_permit_hmt',
  idNumber: '810000199203050027',
};

/** What the sandbox assesses for CHEN_JIAXIN on SANDBOX_DATE. */
export const CHEN_JIAXIN_PAYABLE = { period: '2025-06', amount: '991.00' } as const;

/** Every fictional person whose details must never reach a log. */
export const ALL_PEOPLE: readonly TestPerson[] = [
  MA_XIAOYAN,
  WANG_JIANGUO,
  MA_FUHAI,
  ZHANG_XIAOMEI,
  CHEN_JIAXIN,
];
