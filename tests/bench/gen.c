/* gen: writes a synthetic but realistic Charter program of about DECLS
 * declarations (an entry file plus K imported work-group files) and, with
 * --csv, a CSV of measurements for it. Benchmarks need runs that repeat, so
 * everything comes from one seeded PRNG: same seed and size, same bytes. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---- PRNG: xorshift64*, its state spread from the seed by splitmix64 ---- */

typedef struct {
  uint64_t s; /* xorshift state, never 0 */
} Rng;

static Rng R;  /* the program's stream */
static Rng RC; /* the CSV's own stream, so --csv never changes the program */

static void rng_seed(Rng *r, uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  r->s = z ? z : 0x9E3779B97F4A7C15ull;
}

static uint64_t rng_next(Rng *r) {
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545F4914F6CDD1Dull;
}

/* 0 ≤ result < n (0 when n ≤ 1) */
static long rn(Rng *r, long n) { return n <= 1 ? 0 : (long)((rng_next(r) >> 11) % (uint64_t)n); }
static long rnd(long n) { return rn(&R, n); }
static int chance(int pct) { return rnd(100) < pct; }

#define NELEM(a) ((long)(sizeof(a) / sizeof((a)[0])))

/* counts the non-null leading entries of a fixed, NULL-padded table */
static long nstr(const char *const *a, long max) {
  long n = 0;
  while (n < max && a[n]) n++;
  return n;
}
#define PICK(a) ((a)[rnd(nstr((a), NELEM(a)))])

/* ---- buffered output ---- */

static FILE *out_f;
static char out_name[4096];
static char out_buf[1 << 16];
static size_t out_len;

static void die(const char *fmt, ...) {
  va_list ap;
  fputs("gen: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

static void out_flush(void) {
  if (out_len && fwrite(out_buf, 1, out_len, out_f) != out_len)
    die("%s: %s", out_name, strerror(errno));
  out_len = 0;
}

static void om(const char *s, size_t n) {
  if (n > sizeof out_buf - out_len) {
    out_flush();
    if (n > sizeof out_buf) {
      if (fwrite(s, 1, n, out_f) != n) die("%s: %s", out_name, strerror(errno));
      return;
    }
  }
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}

static void os(const char *s) { om(s, strlen(s)); }

static void oc(char c) {
  if (out_len == sizeof out_buf) out_flush();
  out_buf[out_len++] = c;
}

static void on(long long v) {
  char b[24];
  int i = 0;
  unsigned long long u;
  if (v < 0) oc('-');
  u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    b[i++] = (char)('0' + u % 10);
  } while ((u /= 10) != 0);
  while (i > 0) oc(b[--i]);
}

/* two digits, zero-padded */
static void o2(long v) {
  oc((char)('0' + v / 10 % 10));
  oc((char)('0' + v % 10));
}

static void ospaces(int n) {
  while (n-- > 0) oc(' ');
}

/* a value kept in tenths, in its shortest form: 41, 41.5 */
static void otenths(long v) {
  if (v < 0) {
    oc('-');
    v = -v;
  }
  on(v / 10);
  if (v % 10) {
    oc('.');
    oc((char)('0' + v % 10));
  }
}

/* a value kept in hundredths, in its shortest form: 41, 41.5, 41.25 */
static void ohund(long v) {
  long f;
  if (v < 0) {
    oc('-');
    v = -v;
  }
  on(v / 100);
  f = v % 100;
  if (f) {
    oc('.');
    oc((char)('0' + f / 10));
    if (f % 10) oc((char)('0' + f % 10));
  }
}

static void out_open(const char *dir, const char *name) {
  int n = snprintf(out_name, sizeof out_name, "%s/%s", dir, name);
  if (n < 0 || (size_t)n >= sizeof out_name) die("%s/%s: path too long", dir, name);
  out_f = fopen(out_name, "wb");
  if (!out_f) die("%s: %s", out_name, strerror(errno));
  out_len = 0;
}

static void out_close(void) {
  out_flush();
  if (ferror(out_f) | fclose(out_f)) die("%s: write error", out_name);
  out_f = NULL;
}

/* ---- word lists ---- */

enum { UP = 1, DOWN = -1 };

typedef struct {
  const char *title; /* what is measured */
  const char *unit;  /* its unit */
  int dir;           /* UP or DOWN: which way is better */
  long lo, hi;       /* a plausible range of values */
} ResultTpl;

typedef struct {
  const char *title; /* what an activity counts */
  const char *unit;  /* its unit; "%" marks a how_well measure */
  long scale;        /* a plausible yearly count */
} OutputTpl;

typedef struct {
  const char *name;          /* the work group's subject */
  const char *goals[5];      /* population results */
  const char *shorts[7];     /* short-term outcomes */
  const char *inters[6];     /* intermediate outcomes */
  const char *longs[5];      /* long-term outcomes */
  ResultTpl results[7];      /* indicators of goals and outcomes */
  OutputTpl outputs[6];      /* activity metrics */
  const char *activities[7]; /* the work itself */
  const char *sources[6];    /* where the numbers come from */
} Theme;

static const Theme themes[] = {
    {"Recovery and employment",
     {"Residents in recovery are employed", "People in recovery earn a living wage",
      "Fewer residents die of overdose", "Residents in recovery keep their jobs"},
     {"Participants finish job-readiness training", "People in recovery connect with peer coaches",
      "Participants earn industry credentials", "Residents start medication-assisted treatment",
      "Job seekers in recovery are interview-ready", "Participants complete a paid work trial"},
     {"Employers hire people in recovery", "Employers adopt recovery-friendly workplace policies",
      "Treatment providers refer clients to job services",
      "Participants stay in treatment for 90 days",
      "Probation officers connect clients to employment"},
     {"Fewer residents leave work because of substance use",
      "Recovery-friendly hiring becomes common practice",
      "Overdose deaths fall among working-age adults",
      "Residents in recovery advance in their careers"},
     {{"Employment rate, residents in recovery", "%", UP, 30, 80},
      {"Job retention at 12 months", "%", UP, 40, 90},
      {"Overdose deaths per 100,000 residents", "per 100,000", DOWN, 15, 70},
      {"Median hourly wage, program graduates", "USD", UP, 12, 30},
      {"Treatment retention at 90 days", "%", UP, 30, 85},
      {"Recovery-friendly employers", "employers", UP, 5, 200}},
     {{"People coached", "people", 400},
      {"Employer trainings held", "sessions", 40},
      {"Participants satisfied with coaching", "%", 0},
      {"Job placements", "placements", 150}},
     {"Workplace peer recovery coaching", "Recovery-friendly employer training",
      "Second-chance hiring fair", "Job-readiness bootcamp",
      "Transportation vouchers for treatment", "Peer recovery specialist apprenticeship"},
     {"Virginia Employment Commission", "State Department of Health, vital statistics",
      "Program case records", "Medicaid claims data", "Employer survey"}},
    {"School mental health",
     {"Students are mentally well and ready to learn", "Young people feel connected at school",
      "Fewer young people attempt suicide"},
     {"Students are screened for anxiety and depression",
      "Teachers are trained in mental health first aid",
      "Families know where to find youth mental health care",
      "Students use school-based counseling", "Peer support clubs meet in every middle school"},
     {"Students referred to care are seen within two weeks",
      "Schools adopt restorative discipline practices",
      "Chronic absence falls among students in care",
      "School districts fund counselors at recommended ratios"},
     {"Fewer students report persistent sadness", "Youth psychiatric emergency visits decline",
      "Students feel they belong at school"},
     {{"Students reporting persistent sadness", "%", DOWN, 15, 50},
      {"Chronic absence rate", "%", DOWN, 8, 35},
      {"Students seen within 14 days of referral", "%", UP, 30, 95},
      {"Youth mental health emergency visits per 1,000", "per 1,000", DOWN, 3, 25},
      {"Students who feel they belong", "%", UP, 40, 90},
      {"Students per school counselor", "students", DOWN, 250, 600}},
     {{"Students screened", "students", 900},
      {"Teachers trained", "teachers", 120},
      {"Counseling sessions delivered", "sessions", 2500},
      {"Families reached", "families", 600},
      {"Students satisfied with counseling", "%", 0}},
     {"Universal mental health screening", "Mental health first aid for teachers",
      "School-based counseling", "Peer support clubs", "Family mental health nights",
      "Telehealth therapy in schools"},
     {"Youth Risk Behavior Survey", "School district attendance records", "Hospital discharge data",
      "School climate survey", "School counseling records"}},
    {"Housing stability",
     {"Families have safe, stable and affordable housing", "No one sleeps outside",
      "Renters stay in their homes"},
     {"Tenants facing eviction get legal help", "Families receive emergency rental assistance",
      "Landlords learn about housing voucher programs", "Residents complete home-buyer education",
      "Unhoused residents are connected to case managers"},
     {"Landlords accept housing vouchers", "The city adopts a right to counsel in eviction court",
      "Affordable units are built near transit", "People leave shelters for permanent housing"},
     {"Eviction filings fall", "Fewer families spend more than half their income on rent",
      "Homelessness becomes rare, brief and non-recurring"},
     {{"Eviction filings per 1,000 renter households", "per 1,000", DOWN, 10, 60},
      {"Severely cost-burdened renter households", "%", DOWN, 15, 45},
      {"Exits from shelter to permanent housing", "%", UP, 20, 70},
      {"People experiencing homelessness, point-in-time count", "people", DOWN, 200, 3000},
      {"Homeownership rate", "%", UP, 35, 75}},
     {{"Tenants represented in court", "tenants", 500},
      {"Households receiving rental assistance", "households", 800},
      {"Landlords enrolled", "landlords", 60},
      {"Home-buyer classes held", "classes", 24},
      {"Clients satisfied with legal help", "%", 0}},
     {"Eviction right-to-counsel clinic", "Emergency rental assistance",
      "Landlord engagement program", "Home-buyer education series",
      "Street outreach and case management", "Accessory dwelling unit pilot"},
     {"General District Court records", "American Community Survey, 5-year estimates",
      "Homeless Management Information System", "Point-in-time count", "Legal aid case records"}},
    {"Early childhood",
     {"Children enter kindergarten ready to learn",
      "Every child reads at grade level by third grade"},
     {"Parents read with their children every day", "Families enroll in home visiting",
      "Child care providers complete quality training",
      "Children receive developmental screenings"},
     {"Children attend high-quality pre-K", "Child care slots expand in child care deserts",
      "Early educators earn a living wage", "Developmental delays are caught before age three"},
     {"Kindergarten readiness rises", "Third-grade reading proficiency rises"},
     {{"Kindergarten readiness", "%", UP, 35, 85},
      {"Third-grade reading proficiency", "%", UP, 30, 85},
      {"Children screened by age three", "%", UP, 30, 90},
      {"Licensed child care slots per 100 children", "slots", UP, 20, 70},
      {"Pre-K enrollment, four-year-olds", "%", UP, 30, 90}},
     {{"Home visits completed", "visits", 1500},
      {"Books distributed", "books", 5000},
      {"Providers trained", "providers", 80},
      {"Screenings completed", "screenings", 700},
      {"Parents who rate home visits useful", "%", 0}},
     {"Home visiting for new parents", "Books from birth", "Child care provider coaching",
      "Developmental screening days", "Family child care network", "Pre-K enrollment drive"},
     {"Kindergarten readiness assessment", "State reading assessment", "Child care licensing data",
      "Home visiting program records", "Early intervention records"}},
    {"Food security",
     {"No family goes hungry", "Residents eat healthy food every day"},
     {"Eligible families enroll in SNAP and WIC", "Corner stores stock fresh produce",
      "Students eat school breakfast", "Residents join community gardens"},
     {"Food pantries offer client choice", "Grocery stores open in food deserts",
      "Schools adopt universal free meals"},
     {"Household food insecurity falls", "Diet-related disease falls"},
     {{"Households reporting food insecurity", "%", DOWN, 8, 35},
      {"SNAP participation among eligible households", "%", UP, 50, 95},
      {"Residents within a mile of a full-service grocery", "%", UP, 40, 95},
      {"Adults with diabetes", "%", DOWN, 7, 20}},
     {{"Meals served", "meals", 20000},
      {"Pounds of produce distributed", "pounds", 50000},
      {"SNAP applications assisted", "applications", 900},
      {"Garden plots active", "plots", 120},
      {"Pantry clients satisfied", "%", 0}},
     {"SNAP enrollment assistance", "Healthy corner store initiative", "Mobile food pantry",
      "Community garden network", "Breakfast after the bell", "Produce prescription program"},
     {"Feeding America, Map the Meal Gap", "State Department of Social Services",
      "Behavioral Risk Factor Surveillance System", "Food bank distribution records"}},
    {"Maternal and child health",
     {"Every mother and baby is healthy", "Residents get the care they need when they need it"},
     {"Pregnant residents start prenatal care in the first trimester",
      "Community health workers visit new mothers", "Residents enroll in health coverage",
      "Doulas support births at the public hospital"},
     {"Medicaid covers doula care", "Clinics offer evening and weekend hours",
      "Residents have a usual source of care"},
     {"Infant mortality falls", "Preterm births decline", "Preventable hospital stays decline"},
     {{"Infant deaths per 1,000 live births", "per 1,000", DOWN, 3, 14},
      {"Preterm births", "%", DOWN, 7, 16},
      {"Prenatal care in the first trimester", "%", UP, 55, 95},
      {"Adults without health insurance", "%", DOWN, 4, 25},
      {"Adults with a usual source of care", "%", UP, 55, 95}},
     {{"Home visits by community health workers", "visits", 1200},
      {"Residents enrolled in coverage", "people", 700},
      {"Births supported by doulas", "births", 150},
      {"Patients who would recommend the clinic", "%", 0}},
     {"Community health worker home visits", "Coverage enrollment events",
      "Community doula program", "Evening clinic hours", "Mobile health van"},
     {"State vital statistics", "Hospital discharge data", "Medicaid enrollment data",
      "Community health worker records"}},
    {"Youth safety and opportunity",
     {"Young people are safe in their neighborhoods", "Young people have a path to opportunity"},
     {"Young people join summer jobs", "Violence interrupters reach young people at risk",
      "Youth complete mentoring programs", "Teens take part in after-school programs"},
     {"Schools replace suspensions with restorative practices",
      "Youth avoid re-arrest after diversion", "Parks and recreation centers stay open late"},
     {"Youth gun violence falls", "Young people are connected to school or work"},
     {{"Youth gunshot injuries per 100,000", "per 100,000", DOWN, 10, 80},
      {"Youth neither in school nor working", "%", DOWN, 6, 25},
      {"Re-arrest within one year of diversion", "%", DOWN, 10, 50},
      {"High school graduation rate", "%", UP, 65, 98}},
     {{"Summer jobs filled", "jobs", 600},
      {"Mentoring matches", "matches", 250},
      {"Outreach contacts", "contacts", 3000},
      {"Youth who feel safe at programs", "%", 0}},
     {"Summer youth employment", "Violence interruption outreach", "One-to-one mentoring",
      "Late-night recreation", "Juvenile diversion program"},
     {"Police department incident data", "Hospital trauma registry", "Juvenile court records",
      "School district graduation data"}},
    {"Digital inclusion and adult learning",
     {"Every household is connected", "Adults have the skills for good jobs"},
     {"Households get low-cost home internet", "Adults complete digital skills classes",
      "Adults earn a high school equivalency", "Residents receive refurbished laptops"},
     {"Adults enroll in community college", "Employers partner on apprenticeships",
      "Public housing gets building-wide Wi-Fi"},
     {"Household broadband adoption rises", "Adults earn family-sustaining wages"},
     {{"Households with home broadband", "%", UP, 55, 98},
      {"Adults with a postsecondary credential", "%", UP, 25, 70},
      {"Median household income", "USD", UP, 35000, 90000},
      {"Adults lacking basic digital skills", "%", DOWN, 8, 35}},
     {{"Digital skills classes held", "classes", 60},
      {"Devices distributed", "devices", 800},
      {"Learners enrolled", "learners", 400},
      {"Learners who complete their course", "%", 0}},
     {"Digital navigator program", "Laptop refurbishing and lending", "Adult education classes",
      "Apprenticeship partnerships", "Affordable internet enrollment"},
     {"American Community Survey, 5-year estimates", "Library program records",
      "Community college enrollment data", "Digital equity survey"}},
};
#define NTHEMES NELEM(themes)

static const char *const places[] = {
    "Ebony Heights", "Park Place",       "Berkley",      "Lambert's Point",
    "Riverside",     "Eastside",         "Westview",     "Old Town",
    "Harbor View",   "Mill Creek",       "Cedar Grove",  "Fairmount",
    "Lincoln Park",  "South End",        "Highland",     "Brambleton",
    "Oakwood",       "Marshall Heights", "Northgate",    "Bayview",
    "Elm Hill",      "Union Square",     "Greenfield",   "Willow Bend",
    "Campostella",   "Ocean View",       "Huntersville", "Chesterfield Heights",
    "Young Terrace", "Calvert Square",   "Diggs Town",   "Tidewater Gardens",
};

/* partner names by sector; '@' stands for a place */
static const char *const sector_names[] = {
    "government", "nonprofit", "business",  "philanthropy", "education",
    "health",     "faith",     "community", "academic",     "media",
};
enum {
  S_GOV,
  S_NONPROFIT,
  S_BUSINESS,
  S_PHIL,
  S_EDU,
  S_HEALTH,
  S_FAITH,
  S_COMMUNITY,
  S_ACADEMIC,
  S_MEDIA
};
static const int sector_weight[] = {15, 28, 18, 7, 10, 12, 5, 0, 3, 2};

static const char *const org_names[][9] = {
    {"City of @", "@ Department of Human Services", "@ Public Health District",
     "@ Redevelopment and Housing Authority", "@ Workforce Development Board",
     "@ Police Department", "@ Public Library", "@ Parks and Recreation"},
    {"@ Family Services", "@ Recovery Alliance", "@ Legal Aid Society", "@ Boys & Girls Club",
     "@ Food Bank", "@ Habitat for Humanity", "@ Urban League", "@ Youth Mentoring Network",
     "@ Community Action Agency"},
    {"@ Manufacturing Co.", "@ Logistics", "@ Federal Credit Union", "@ Shipyard",
     "@ Grocery Cooperative", "@ Chamber of Commerce", "@ Staffing Partners", "@ Broadband"},
    {"@ Community Foundation", "@ Family Foundation", "United Way of @", "@ Health Foundation",
     "@ Giving Circle"},
    {"@ Public Schools", "@ Community College", "@ Early Learning Center",
     "@ Adult Learning Center", "@ Charter Academy"},
    {"@ Health System", "@ Community Health Center", "@ Behavioral Health Services",
     "@ Children's Hospital", "@ Free Clinic"},
    {"@ Baptist Church", "@ AME Zion Church", "@ Interfaith Council", "Islamic Center of @",
     "Iglesia Nueva Vida @"},
    {"@ Residents Council", "@ Tenants Association", "@ Civic League", "Parents United of @",
     "@ Youth Voice Collective", "@ Neighbors in Recovery", "Comité Latino de @",
     "@ Block Captains", "@ Mothers' Circle"},
    {"@ State University", "Center for Community Research, @", "@ Institute for Public Policy"},
    {"@ Public Radio", "The @ Gazette", "@ Community Television"},
};

static const char *const role_names[] = {"backbone", "funder", "champion", "evaluator", "data"};
enum { R_BACKBONE = 1, R_FUNDER = 2, R_CHAMPION = 4, R_EVALUATOR = 8, R_DATA = 16 };

static const char *const first_names[] = {
    "Maria", "James", "Aisha", "Luis",   "Keisha",    "Tom", "Nguyen", "Fatima", "Darnell", "Grace",
    "Rosa",  "Andre", "Mei",   "Tyrone", "Esperanza", "Sam", "Priya",  "Marcus", "Leah",    "Omar",
};
static const char *const last_names[] = {
    "Alvarez", "Johnson", "Okafor", "Nguyen",   "Washington", "Patel",  "Rivera",
    "Kim",     "Brown",   "Haddad", "Jackson",  "Lee",        "Moreno", "Williams",
    "Chen",    "Davis",   "Garcia", "Robinson", "Singh",      "Taylor",
};

static const char *const assumptions[] = {
    "Funding continues past the pilot years",
    "Partners share data under the common data agreement",
    "Residents trust the programs enough to take part",
    "State policy does not change course",
    "Enough staff can be hired and kept",
    "Employers and landlords respond to outreach",
    "Transportation is not a barrier to taking part",
    "Schools give time during the day for the work",
};

static const char *const notes[] = {
    "Co-designed with residents at listening sessions",
    "Revisit after the first year of data",
    "Residents call it \\\"the Tuesday table\\\"",
    "Scope agreed at the spring retreat",
    "Residents asked for this at the community forum",
    "Pilot in two neighborhoods before scaling up",
};

static const char *const race_groups[] = {
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Hispanic or Latino",
    "Middle Eastern or North African",
    "Native Hawaiian or Pacific Islander",
    "White",
};
static const char *const income_groups[] = {
    "Below 30% AMI", "30-50% AMI", "50-80% AMI", "80-120% AMI", "Above 120% AMI",
};

typedef struct {
  const char *name;   /* coalition name */
  const char *area;   /* how people name the region */
  const char *region; /* the charter's region */
} Region;

static const Region regions[] = {
    {"Thriving Together", "Hampton Roads", "Norfolk, Virginia"},
    {"Rise Together", "the Miami Valley", "Dayton, Ohio"},
    {"Bridges to Opportunity", "the Rio Grande Valley", "McAllen, Texas"},
    {"Strong Roots Collaborative", "the Twin Ports", "Duluth, Minnesota"},
    {"All In for Families", "the Central Valley", "Fresno, California"},
    {"One Valley", "the Mahoning Valley", "Youngstown, Ohio"},
    {"Flint Forward Together", "Greater Flint", "Flint, Michigan"},
    {"Delta Promise", "the Mississippi Delta", "Greenville, Mississippi"},
};

/* ---- the program's shape ---- */

enum { K_PARTNER, K_COUNCIL, K_GOAL, K_SHORT, K_INTER, K_LONG, K_IND, K_ACT, K_KINDS };
static const char *const kind_prefix[K_KINDS] = {
    "partner_",   "council_",   "goal_",      "outcome_s_",
    "outcome_i_", "outcome_l_", "indicator_", "activity_",
};

static long P, C, G, Os, Oi, Ol, O, Ir, Io,
    A;                 /* counts per kind; Ir result and Io output indicators */
static long Pc, Po;    /* community and other partners */
static int K;          /* imported files */
static int theme_base; /* which theme part 1 gets */

typedef struct {
  unsigned char sec[2]; /* sectors */
  unsigned char nsec;   /* how many of sec are used */
  unsigned char roles;  /* R_* bits */
} PartnerPlan;
static PartnerPlan *pplan;
static long *funders, nfunders;

enum { F_WEEKLY, F_MONTHLY, F_QUARTERLY, F_ANNUALLY };
static const char *const freq_names[] = {"weekly", "monthly", "quarterly", "annually"};

typedef struct {
  long base, target;  /* tenths; for data even when the program gives none */
  const char *source; /* the indicator's source */
  signed char dir;    /* UP or DOWN */
  unsigned char freq; /* F_* */
  unsigned char pct;  /* a percentage: data stays within 0..100 */
  unsigned char race; /* disaggregated by race_ethnicity: data has group rows */
} IndInfo;
static IndInfo *ind; /* Ir result indicators, then Io output indicators */

/* Partners come in blocks of five: 1 and 3 are resident-led (sector
 * community), 0, 2 and 4 organizations, so either sort can be found near any
 * position without a search. */
static int is_community(long p) { return p % 5 == 1 || p % 5 == 3; }
static long comm_partner(long j) { return 5 * (j / 2) + (j % 2 ? 3 : 1); }
static long org_partner(long j) {
  static const long o[3] = {0, 2, 4};
  return 5 * (j / 3) + o[j % 3];
}

static long first_of(long n, int f) { return (long)((long long)n * f / K); }
static long near(long x, long from, long to) {
  return to <= 1 ? 0 : (long)((long long)x * to / from);
}
static long jitter(long v, long j, long n) {
  v += rnd(2 * j + 1) - j;
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

static void oid(int kind, long idx) {
  long n = idx + 1;
  os(kind_prefix[kind]);
  if (n < 10000) oc('0');
  if (n < 1000) oc('0');
  if (n < 100) oc('0');
  if (n < 10) oc('0');
  on(n);
}

static int id_len(int kind, long idx) {
  int d = 0;
  long n = idx + 1;
  while (n) {
    d++;
    n /= 10;
  }
  return (int)strlen(kind_prefix[kind]) + (d < 5 ? 5 : d);
}

typedef struct {
  int kind; /* K_* */
  long idx; /* 0-based */
} Ref;

/* "  NAME a, b, c": wraps after a comma past 80 columns when wrap is set,
 * continuation lines aligned under the first value */
static void olist(const char *name, const Ref *r, int n, int wrap) {
  int start = 2 + (int)strlen(name) + 1, col = start, i;
  os("  ");
  os(name);
  oc(' ');
  for (i = 0; i < n; i++) {
    int len = id_len(r[i].kind, r[i].idx);
    if (i > 0) {
      oc(',');
      col++;
      if (wrap && col + 1 + len > 80) {
        oc('\n');
        ospaces(start);
        col = start;
      } else {
        oc(' ');
        col++;
      }
    }
    oid(r[i].kind, r[i].idx);
    col += len;
  }
  oc('\n');
}

static void owords(const char *name, const char *const *w, int n, int wrap) {
  int start = 2 + (int)strlen(name) + 1, col = start, i;
  os("  ");
  os(name);
  oc(' ');
  for (i = 0; i < n; i++) {
    int len = (int)strlen(w[i]);
    if (i > 0) {
      oc(',');
      col++;
      if (wrap && col + 1 + len > 60) {
        oc('\n');
        ospaces(start);
        col = start;
      } else {
        oc(' ');
        col++;
      }
    }
    os(w[i]);
    col += len;
  }
  oc('\n');
}

/* writes tpl with each '@' replaced by place */
static void otpl(const char *tpl, const char *place) {
  const char *at;
  while ((at = strchr(tpl, '@')) != NULL) {
    om(tpl, (size_t)(at - tpl));
    os(place);
    tpl = at + 1;
  }
  os(tpl);
}

/* a title: the base phrase, often narrowed to a place */
static void otitle(const char *base, int vary) {
  oc('"');
  os(base);
  if (vary) {
    long v = rnd(10);
    if (v < 6) {
      os(", ");
      os(PICK(places));
    } else {
      os(" in ");
      os(PICK(places));
    }
  }
  oc('"');
}

static void oheader(int kind, long idx, const char *kw) {
  os(kw);
  oc(' ');
  oid(kind, idx);
  oc(' ');
}

/* a period: year, quarter ending month m, or month */
static void operiod(int year, int month, int form) {
  on(year);
  if (form == 1) {
    os("-Q");
    oc((char)('0' + (month + 2) / 3));
  } else if (form == 2) {
    oc('-');
    o2(month);
  }
}

static void otext_block(const char *const *lines, int n) {
  int i;
  os("\"\"\"\n");
  for (i = 0; i < n; i++) {
    os("    ");
    os(lines[i]);
    oc('\n');
  }
  os("    \"\"\"");
}

/* ---- declarations ---- */

static void plan_partners(void) {
  long p;
  pplan = calloc((size_t)P, sizeof *pplan);
  funders = calloc((size_t)P, sizeof *funders);
  if (!pplan || !funders) die("out of memory");
  for (p = 0; p < P; p++) {
    PartnerPlan *pp = &pplan[p];
    if (is_community(p)) {
      pp->sec[0] = S_COMMUNITY;
      pp->nsec = 1;
      pp->roles = chance(3) ? R_CHAMPION : 0;
    } else {
      long w = rnd(100), s = 0;
      while (w >= sector_weight[s]) {
        w -= sector_weight[s];
        s++;
      }
      pp->sec[0] = (unsigned char)s;
      pp->nsec = 1;
      if (chance(15)) {
        long s2 = rnd(NELEM(sector_names));
        if (s2 != s && s2 != S_COMMUNITY) {
          pp->sec[1] = (unsigned char)s2;
          pp->nsec = 2;
        }
      }
      if (s == S_PHIL || (s == S_GOV && chance(30)) || (s == S_BUSINESS && chance(15)))
        pp->roles |= R_FUNDER;
      if (s == S_ACADEMIC && chance(70)) pp->roles |= R_EVALUATOR;
      if ((s == S_NONPROFIT || s == S_HEALTH) && chance(10)) pp->roles |= R_DATA;
    }
    if (p == 0) { /* the backbone */
      pp->sec[0] = S_NONPROFIT;
      pp->nsec = 1;
      pp->roles = R_BACKBONE | R_DATA;
    } else if (p == 2) { /* the charter's champion */
      pp->sec[0] = S_GOV;
      pp->nsec = 1;
      pp->roles = R_CHAMPION | R_FUNDER;
    }
    if (pp->roles & R_FUNDER) funders[nfunders++] = p;
  }
}

static void emit_partner(long p) {
  const PartnerPlan *pp = &pplan[p];
  const char *place = PICK(places);
  const char *const *names = org_names[pp->sec[0]];
  const char *roles[5];
  int nroles = 0, i, oneline = p != 0 && chance(65);
  for (i = 0; i < 5; i++)
    if (pp->roles & (1 << i)) roles[nroles++] = role_names[i];
  oheader(K_PARTNER, p, "partner");
  oc('"');
  otpl(names[rnd(nstr(names, 9))], place);
  os("\" {");
  if (oneline) {
    os(" sector ");
    for (i = 0; i < pp->nsec; i++) {
      if (i) os(", ");
      os(sector_names[pp->sec[i]]);
    }
    if (nroles) {
      os("; role ");
      for (i = 0; i < nroles; i++) {
        if (i) os(", ");
        os(roles[i]);
      }
    }
    os(" }\n");
    return;
  }
  oc('\n');
  {
    const char *secs[2];
    for (i = 0; i < pp->nsec; i++) secs[i] = sector_names[pp->sec[i]];
    owords("sector", secs, pp->nsec, 0);
  }
  if (nroles) owords("role", roles, nroles, 0);
  if (pp->roles & R_BACKBONE) {
    static const char *const fns[] = {
        "vision_strategy", "aligned_activities", "shared_measurement", "public_will", "policy",
        "funding"};
    owords("backbone_functions", fns, 6, 1);
  }
  if (p == 0 || chance(50)) {
    os("  contact \"");
    os(PICK(first_names));
    oc(' ');
    os(PICK(last_names));
    os(", director\"\n");
  }
  if (p == 0 || chance(40)) {
    os("  website \"https://www.example.org/partners/");
    on(p + 1);
    os("\"\n");
  }
  if (chance(15)) {
    os("  note \"");
    os(PICK(notes));
    os("\"\n");
  }
  os("}\n\n");
}

static void emit_council(long c, const Theme *th) {
  static const char *const decide_names[] = {"agenda", "resources", "priorities", "evaluation",
                                             "policy"};
  static const char *const meets[] = {"weekly",    "biweekly",  "monthly", "monthly",
                                      "quarterly", "quarterly", "annually"};
  Ref members[12];
  long k = 4 + rnd(7), kc, ko, j0c, j0o, i, n = 0;
  const char *dec[5];
  int ndec = 0;
  kc = (k + 1) / 2 + rnd(2);
  ko = k - kc;
  if (kc > Pc) kc = Pc;
  if (ko > Po) ko = Po;
  if (ko > kc) ko = kc;
  j0c = near(c, C, Pc);
  j0o = c == 0 ? 0 : near(c, C, Po);
  /* resident members first, organizations woven in: at least half are community */
  for (i = 0; i < kc || i < ko; i++) {
    if (i < kc) members[n++] = (Ref){K_PARTNER, comm_partner((j0c + i) % Pc)};
    if (i < ko) members[n++] = (Ref){K_PARTNER, org_partner((j0o + i) % Po)};
  }
  oheader(K_COUNCIL, c, "council");
  if (c == 0) {
    os("\"Steering Committee\" {\n");
  } else {
    long v = rnd(6);
    oc('"');
    if (v == 0) {
      os(th->name);
      os(" Action Team");
    } else if (v == 1) {
      os("Resident Advisory Board, ");
      os(PICK(places));
    } else if (v == 2) {
      os("Data and Evaluation Committee");
    } else if (v == 3) {
      os(th->name);
      os(" Community Table");
    } else if (v == 4) {
      os("Funders and Residents Table");
    } else {
      os("Policy Committee, ");
      os(th->name);
    }
    os("\" {\n");
  }
  olist("members", members, (int)n, chance(80));
  if (n >= 2 && ko > 0 && chance(50)) {
    Ref ch[2] = {members[0], members[1]};
    olist("chairs", ch, 2, 0);
  } else if (chance(80)) {
    olist("chairs", members, 1, 0);
  }
  if (c == 0) {
    dec[ndec++] = "agenda";
    dec[ndec++] = "resources";
    dec[ndec++] = "priorities";
  } else {
    for (i = 0; i < 5; i++)
      if (chance(i < 3 ? 45 : 25)) dec[ndec++] = decide_names[i];
  }
  if (ndec) owords("decides", dec, ndec, 0);
  os("  meets ");
  os(c == 0 ? "monthly" : PICK(meets));
  oc('\n');
  if (chance(20)) {
    static const char *const text[] = {
        "Meets in a neighborhood location, with child care and",
        "interpretation, so that residents can take part.",
    };
    os("  note ");
    otext_block(text, 2);
    oc('\n');
  }
  os("}\n");
}

/* the result indicator of outcome o (short, intermediate, long in turn) or of goal g */
static long ind_of_short(long s) { return s; }
static long ind_of_inter(long i) { return Os + i; }
static long ind_of_long(long l) { return Os + Oi + l; }
static long ind_of_goal(long g) { return O + g; }

enum { D_RACE = 1, D_AGE = 2, D_INCOME = 4, D_GENDER = 8, D_DISABILITY = 16 };
static const char *const dim_names[] = {"race_ethnicity", "age_group", "income", "gender",
                                        "disability"};

static long clamp_pct(long v, int pct) { return v < 0 ? 0 : pct && v > 1000 ? 1000 : v; }

static void emit_result_indicator(long r, const Theme *th, long owner_pos, long owner_n) {
  const ResultTpl *t = &th->results[rnd(NELEM(th->results))];
  IndInfo *info = &ind[r];
  int pct, whole, by, ty, bform, tform, nm = 0, i, mask = D_RACE, is_goal = r >= O, force = r == O;
  long lo, hi, span, delta, base, target, my[2], mv[2];
  const char *dims[5];
  int ndims = 0;
  while (!t->title) t = &th->results[rnd(NELEM(th->results))];
  pct = strcmp(t->unit, "%") == 0;
  whole = t->hi >= 200 || chance(50);
  lo = t->lo * 10;
  hi = t->hi * 10;
  span = hi - lo;
  delta = span * (5 + rnd(30)) / 100;
  if (delta < 10) delta = 10;
  if (t->dir == UP) {
    base = lo + rnd(span / 2 + 1);
    target = base + delta > hi ? hi : base + delta;
  } else {
    base = lo + span / 2 + rnd(span / 2 + 1);
    target = base - delta < lo ? lo : base - delta;
  }
  if (whole) {
    base = base / 10 * 10;
    target = target / 10 * 10;
  }
  if (t->dir == UP && target <= base) target = base + 10;
  if (t->dir == DOWN && target >= base) target = base - 10;
  by = 2021 + (int)rnd(3);
  ty = 2027 + (int)rnd(4);
  bform = chance(70) ? 0 : chance(50) ? 1 : 2;
  tform = chance(85) ? 0 : 2;
  {
    long want = chance(30) ? 0 : chance(70) ? 1 : 2;
    int y1 = by + 1 + (int)rnd(ty - by - 1);
    if (want >= 1) {
      my[nm++] = y1;
    }
    if (want == 2 && y1 + 1 < ty) my[nm++] = y1 + 1;
    for (i = 0; i < nm; i++) {
      mv[i] = base + (target - base) * (my[i] - by) / (ty - by);
      if (whole) mv[i] = mv[i] / 10 * 10;
    }
  }
  if (chance(40) || force) mask |= D_INCOME;
  if (chance(25)) mask |= D_AGE;
  if (chance(20)) mask |= D_GENDER;
  if (chance(10)) mask |= D_DISABILITY;
  for (i = 0; i < 5; i++)
    if (mask & (1 << i)) dims[ndims++] = dim_names[i];

  info->base = base;
  info->target = target;
  info->dir = (signed char)t->dir;
  info->pct = (unsigned char)pct;
  info->race = 1;
  info->freq = chance(45) ? F_ANNUALLY : chance(70) ? F_QUARTERLY : F_MONTHLY;
  info->source = PICK(th->sources);

  oheader(K_IND, r, "indicator");
  otitle(t->title, chance(50));
  os(" {\n");
  os("  unit \"");
  os(t->unit);
  os(chance(15) ? "\"; direction " : "\"\n  direction ");
  os(t->dir == UP ? "up\n" : "down\n");
  if (chance(10)) os("  # baseline from the county's last full year of data\n");
  os("  baseline ");
  otenths(base);
  os(" in ");
  operiod(by, bform == 1 ? 12 : 6, bform);
  oc('\n');
  for (i = 0; i < nm; i++) {
    os("  milestone ");
    otenths(mv[i]);
    os(" by ");
    operiod((int)my[i], 6, chance(20) ? 1 : 0);
    oc('\n');
  }
  os("  target ");
  otenths(target);
  os(" by ");
  operiod(ty, 12, tform);
  oc('\n');
  os("  source \"");
  os(info->source);
  os("\"\n");
  {
    Ref rb[2];
    int nrb = 0;
    if (chance(30)) rb[nrb++] = (Ref){K_PARTNER, 0};
    if (nrb == 0 || chance(20)) {
      long p = org_partner(jitter(near(owner_pos, owner_n, Po), 2, Po));
      if (nrb == 0 || p != 0) rb[nrb++] = (Ref){K_PARTNER, p};
    }
    olist("reported_by", rb, nrb, 0);
  }
  os("  frequency ");
  os(freq_names[info->freq]);
  oc('\n');
  os("  measures better_off\n");
  owords("disaggregate", dims, ndims, 0);
  {
    long gap = pct ? 20 + 10 * rnd(9) : (labs(target) / 100 > 1 ? labs(target) / 100 : 1) * 10;
    long gv = target - t->dir * 10 * rnd(span / 100 + 2);
    if (is_goal || chance(50)) {
      os("  equity race_ethnicity gap ");
      otenths(gap);
      os(" by ");
      on(ty);
      oc('\n');
    } else if (chance(20)) {
      os("  equity race_ethnicity ratio ");
      otenths(11 + rnd(10));
      os(" by ");
      on(ty);
      oc('\n');
    }
    if (force || chance(is_goal ? 50 : 20)) {
      static const int focus[] = {2, 2, 2, 3, 3, 0, 5};
      os("  equity race_ethnicity \"");
      os(race_groups[focus[rnd(NELEM(focus))]]);
      os("\" ");
      otenths(clamp_pct(gv / 10 * 10, pct));
      os(" by ");
      on(ty);
      oc('\n');
    }
    if ((mask & D_INCOME) && (force || chance(50))) {
      os("  equity income ratio ");
      otenths(11 + rnd(10));
      os(" by ");
      on(ty);
      oc('\n');
    }
    if ((mask & D_INCOME) && chance(10)) {
      os("  equity income \"");
      os(income_groups[rnd(2)]);
      os("\" ");
      otenths(clamp_pct(gv / 10 * 10, pct));
      os(" by ");
      on(ty);
      oc('\n');
    }
    if ((mask & D_AGE) && chance(20)) {
      os("  equity age_group gap ");
      otenths(gap);
      os(" by ");
      on(ty);
      oc('\n');
    }
  }
  if (chance(8)) {
    os("  note \"");
    os(PICK(notes));
    os("\"\n");
  }
  os("}\n");
}

static void emit_output_indicator(long u, const Theme *th) {
  const OutputTpl *t = &th->outputs[rnd(NELEM(th->outputs))];
  long x = Ir + u, base, target;
  IndInfo *info = &ind[x];
  int well, has_target, race;
  while (!t->title) t = &th->outputs[rnd(NELEM(th->outputs))];
  well = t->scale == 0;
  if (well) {
    base = 10 * (50 + rnd(30));
    target = base + 10 * (5 + rnd(15));
  } else {
    base = t->scale * (2 + rnd(5));
    target = base + t->scale * (2 + rnd(6));
  }
  has_target = chance(well ? 60 : 40);
  race = chance(25);
  info->base = base;
  info->target = target;
  info->dir = UP;
  info->pct = (unsigned char)well;
  info->race = (unsigned char)race;
  info->freq = chance(50) ? F_MONTHLY : chance(80) ? F_QUARTERLY : F_WEEKLY;
  info->source = chance(60) ? "Program case records" : PICK(th->sources);

  oheader(K_IND, x, "indicator");
  otitle(t->title, chance(30));
  if (!has_target && !race && chance(50)) {
    os(" { unit \"");
    os(t->unit);
    os("\"; source \"");
    os(info->source);
    os(well ? "\"; measures how_well }\n" : "\"; measures how_much }\n");
    return;
  }
  os(" {\n  unit \"");
  os(t->unit);
  os("\"\n");
  if (has_target) {
    os("  direction up\n  baseline ");
    otenths(base);
    os(" in 2023\n  target ");
    otenths(target);
    os(" by ");
    on(2026 + rnd(3));
    oc('\n');
  }
  os("  source \"");
  os(info->source);
  os("\"\n");
  {
    Ref rb = {K_PARTNER, org_partner(jitter(near(u, Io, Po), 2, Po))};
    olist("reported_by", &rb, 1, 0);
  }
  os("  frequency ");
  os(freq_names[info->freq]);
  oc('\n');
  os(well ? "  measures how_well\n" : "  measures how_much\n");
  if (race) os("  disaggregate race_ethnicity\n");
  os("}\n");
}

static void emit_goal(long g, const Theme *th) {
  Ref inds[2];
  int n = 0;
  inds[n++] = (Ref){K_IND, ind_of_goal(g)};
  if (chance(30)) inds[n++] = (Ref){K_IND, ind_of_long(jitter(near(g, G, Ol), 1, Ol))};
  oheader(K_GOAL, g, "goal");
  otitle(PICK(th->goals), chance(40));
  if (n == 1 && chance(50)) {
    os(" { indicator ");
    oid(K_IND, inds[0].idx);
    os(" }\n");
    return;
  }
  os(" {\n");
  olist("indicator", inds, n, 0);
  if (chance(30)) {
    static const char *const text[] = {
        "This is the result the coalition holds itself to. Partners",
        "agreed to it at the founding convening and revisit it each spring.",
    };
    os("  note ");
    otext_block(text, 2);
    oc('\n');
  }
  os("}\n");
}

static void emit_outcome(int kind, long x, const Theme *th) {
  static const char *const changes_short[] = {"individual", "individual", "community"};
  static const char *const changes_later[] = {"systems", "community", "policy", "systems"};
  Ref lt[3];
  int n = 0;
  long self_n = kind == K_SHORT ? Os : kind == K_INTER ? Oi : Ol, r;
  if (kind == K_SHORT) {
    long i0 = near(x, Os, Oi);
    lt[n++] = (Ref){K_INTER, i0};
    if (Oi > 1 && chance(25)) {
      long i1 = jitter(i0 + 1, 1, Oi);
      if (i1 != i0) lt[n++] = (Ref){K_INTER, i1};
    }
    if (chance(5)) lt[n++] = (Ref){K_LONG, jitter(near(x, Os, Ol), 1, Ol)};
    r = ind_of_short(x);
  } else if (kind == K_INTER) {
    long l0 = near(x, Oi, Ol);
    lt[n++] = (Ref){K_LONG, l0};
    if (Ol > 1 && chance(25)) {
      long l1 = jitter(l0 + 1, 1, Ol);
      if (l1 != l0) lt[n++] = (Ref){K_LONG, l1};
    }
    if (chance(10)) lt[n++] = (Ref){K_GOAL, jitter(near(x, Oi, G), 1, G)};
    r = ind_of_inter(x);
  } else {
    long g0 = near(x, Ol, G);
    lt[n++] = (Ref){K_GOAL, g0};
    if (G > 1 && chance(20)) {
      long g1 = jitter(g0 + 1, 1, G);
      if (g1 != g0) lt[n++] = (Ref){K_GOAL, g1};
    }
    r = ind_of_long(x);
  }
  oheader(kind, x, "outcome");
  otitle(kind == K_SHORT   ? PICK(th->shorts)
         : kind == K_INTER ? PICK(th->inters)
                           : PICK(th->longs),
         chance(60));
  os(" {\n  horizon ");
  os(kind == K_SHORT ? "short\n" : kind == K_INTER ? "intermediate\n" : "long\n");
  if (kind == K_SHORT ? chance(40) : chance(85)) {
    os("  change ");
    os(kind == K_SHORT ? PICK(changes_short) : PICK(changes_later));
    oc('\n');
  }
  olist("leads_to", lt, n, 1);
  {
    Ref ri = {K_IND, r};
    olist("indicator", &ri, 1, 0);
  }
  if (chance(kind == K_SHORT ? 15 : 35)) {
    os("  assumption \"");
    os(PICK(assumptions));
    os("\"\n");
    if (chance(25)) {
      os("  assumption \"");
      os(PICK(assumptions));
      os("\"\n");
    }
  }
  os("}\n");
  oc('\n');
  emit_result_indicator(r, th, x, self_n);
}

static void emit_activity(long a, const Theme *th) {
  Ref own[2], cown[2], ct[3], met[2], fb;
  int nown = 1, ncown = 1, nct = 0, sy, sm, ey, em, sform, eform;
  long s = near(a, A, Os), jo = jitter(near(a, A, Po), 2, Po), jc = jitter(near(a, A, Pc), 1, Pc);
  long u = jitter(near(a, A, Io), 1, Io), budget;
  own[0] = (Ref){K_PARTNER, org_partner(jo)};
  if (Po > 1 && chance(25)) own[nown++] = (Ref){K_PARTNER, org_partner((jo + 1) % Po)};
  cown[0] = (Ref){K_PARTNER, comm_partner(jc)};
  if (Pc > 1 && chance(15)) cown[ncown++] = (Ref){K_PARTNER, comm_partner((jc + 1) % Pc)};
  ct[nct++] = (Ref){K_SHORT, s};
  if (chance(30)) ct[nct++] = (Ref){K_INTER, jitter(near(s, Os, Oi), 1, Oi)};
  if (chance(5)) ct[nct++] = (Ref){K_GOAL, jitter(near(s, Os, G), 1, G)};
  met[0] = (Ref){K_IND, Ir + u};
  met[1] = (Ref){K_IND, ind_of_short(s)};
  sy = 2022 + (int)rnd(5);
  sm = 1 + (int)rnd(12);
  ey = sy + 1 + (int)rnd(4);
  em = 1 + (int)rnd(12);
  sform = chance(75) ? 2 : chance(60) ? 1 : 0;
  eform = chance(70) ? 2 : 0;
  budget = (5 + rnd(396)) * 5000;

  oheader(K_ACT, a, "activity");
  otitle(PICK(th->activities), chance(55));
  os(" {\n");
  olist("owner", own, nown, 0);
  olist("community_owner", cown, ncown, 0);
  olist("contributes_to", ct, nct, chance(50));
  olist("metric", met, 2, 0);
  os("  start ");
  operiod(sy, sm, sform);
  os(chance(20) ? "; end " : "\n  end ");
  operiod(ey, em, eform);
  oc('\n');
  os("  budget ");
  if (chance(20) && budget >= 1000) {
    long mil = budget / 1000000, th3 = budget / 1000 % 1000, one = budget % 1000;
    if (mil) {
      on(mil);
      oc('_');
      oc((char)('0' + th3 / 100));
      o2(th3 % 100);
    } else {
      on(th3);
    }
    oc('_');
    oc((char)('0' + one / 100));
    o2(one % 100);
  } else {
    on(budget);
  }
  os(chance(10) ? " USD  # year-one estimate\n" : " USD\n");
  if (nfunders && chance(50)) {
    fb = (Ref){K_PARTNER, funders[jitter(near(a, A, nfunders), 1, nfunders)]};
    olist("funded_by", &fb, 1, 0);
  }
  os("  status ");
  if (ey < 2025)
    os("done\n");
  else if (sy >= 2026)
    os("planned\n");
  else
    os(chance(88) ? "active\n" : "paused\n");
  if (chance(8)) {
    os("  note \"");
    os(PICK(notes));
    os("\"\n");
  }
  os("}\n");
}

static void emit_part(int f) {
  const Theme *th = &themes[(theme_base + f) % NTHEMES];
  long i, lo, hi;
  os("# ");
  os(th->name);
  os(" work group (part ");
  on(f + 1);
  os(" of ");
  on(K);
  os(")\n# Its partners, tables, results, outcomes, measures and activities.\n\n");

  lo = first_of(P, f), hi = first_of(P, f + 1);
  for (i = lo; i < hi; i++) emit_partner(i);
  lo = first_of(C, f), hi = first_of(C, f + 1);
  for (i = lo; i < hi; i++) {
    oc('\n');
    emit_council(i, th);
  }

  os("\n# Results\n\n");
  lo = first_of(G, f), hi = first_of(G, f + 1);
  for (i = lo; i < hi; i++) {
    emit_goal(i, th);
    oc('\n');
    emit_result_indicator(ind_of_goal(i), th, i, G);
    oc('\n');
  }
  os("# Outcomes, long-term first\n\n");
  lo = first_of(Ol, f), hi = first_of(Ol, f + 1);
  for (i = lo; i < hi; i++) {
    emit_outcome(K_LONG, i, th);
    oc('\n');
  }
  lo = first_of(Oi, f), hi = first_of(Oi, f + 1);
  for (i = lo; i < hi; i++) {
    emit_outcome(K_INTER, i, th);
    oc('\n');
  }
  lo = first_of(Os, f), hi = first_of(Os, f + 1);
  for (i = lo; i < hi; i++) {
    emit_outcome(K_SHORT, i, th);
    oc('\n');
  }
  os("# What the work group counts\n\n");
  lo = first_of(Io, f), hi = first_of(Io, f + 1);
  for (i = lo; i < hi; i++) {
    emit_output_indicator(i, th);
    oc('\n');
  }
  os("\n# Activities\n");
  lo = first_of(A, f), hi = first_of(A, f + 1);
  for (i = lo; i < hi; i++) {
    oc('\n');
    emit_activity(i, th);
  }
}

static void emit_main(uint64_t seed, long decls) {
  const Region *rg = &regions[rnd(NELEM(regions))];
  int f;
  os("# ");
  os(rg->name);
  os(", a coalition in ");
  os(rg->area);
  os("\n# Generated by tests/bench/gen --seed ");
  on((long long)seed);
  os(" --files ");
  on(K);
  oc(' ');
  on(decls);
  os("; synthetic data, no real people.\n");
  os("charter \"");
  os(rg->name);
  os("\" {\n  vision \"Every resident of ");
  os(rg->area);
  os(" can thrive, whatever their zip code\"\n  problem ");
  {
    const char *lines[4];
    lines[0] = "Too many residents are held back by the same few things: unstable";
    lines[1] = "housing, untreated illness and addiction, and jobs that do not pay";
    lines[2] = "enough. The people hit hardest are the least served by the systems";
    lines[3] = "meant to help them, and no single organization can change that.";
    otext_block(lines, 4);
  }
  os("\n  region \"");
  os(rg->region);
  os("\"\n  period 2024 to 2030\n  champion ");
  oid(K_PARTNER, 2);
  os("\n  urgency \"Federal recovery funds end in 2026; the work must be in place by then\"\n");
  os("  note \"Adopted by the steering committee; reviewed every spring\"\n}\n\n");
  os("use collective_impact\nuse equity\nuse rba\nuse dimensions\n\n# One file per work group\n");
  for (f = 1; f <= K; f++) {
    char name[64];
    snprintf(name, sizeof name, "import \"part_%02d.charter\"\n", f);
    os(name);
  }
}

/* ---- the CSV of measurements ---- */

static long days_from_civil(long y, long m, long d) {
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
  long era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

enum { GR_YEAR, GR_QUARTER, GR_MONTH, GR_WEEK, GR_DAY };

/* the newest period of each granularity, and how far back each may go */
#define LAST_YEAR 2025L
#define LAST_QUARTER (2026L * 4 + 1) /* 2026-Q2 */
#define LAST_MONTH (2026L * 12 + 5)  /* 2026-06 */
static long last_day, first_day;
static long gran_cap(int g) {
  switch (g) {
  case GR_YEAR:
    return 15;
  case GR_QUARTER:
    return 60;
  case GR_MONTH:
    return 180;
  case GR_WEEK:
    return 780;
  default:
    return last_day - first_day + 1;
  }
}

/* period number k of n, oldest first, ending at the newest */
static void operiod_k(int g, long k, long n) {
  long back = n - 1 - k, y, m, d;
  switch (g) {
  case GR_YEAR:
    on(LAST_YEAR - back);
    return;
  case GR_QUARTER:
    on((LAST_QUARTER - back) / 4);
    os("-Q");
    oc((char)('1' + (LAST_QUARTER - back) % 4));
    return;
  case GR_MONTH:
    on((LAST_MONTH - back) / 12);
    oc('-');
    o2((LAST_MONTH - back) % 12 + 1);
    return;
  default:
    civil_from_days(last_day - back * (g == GR_WEEK ? 7 : 1), &y, &m, &d);
    on(y);
    oc('-');
    o2(m);
    oc('-');
    o2(d);
  }
}

static void ocsv(const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    os(s);
    return;
  }
  oc('"');
  for (; *s; s++) {
    if (*s == '"') oc('"');
    oc(*s);
  }
  oc('"');
}

static const char *const csv_notes[] = {
    "preliminary",
    "revised after \"late\" reports, see memo",
    "suppressed small cells, n < 10",
    "includes walk-ins, referrals and transfers",
    "estimate; margin of error 3.1 points",
};

/* ROWS measurements: for each indicator a series of periods (its frequency's
 * granularity, finer when ROWS asks for more periods than a 15-year window
 * holds), each period a whole-population row and, for indicators
 * disaggregated by race_ethnicity, one row per group. Values drift from the
 * baseline towards the target with noise. */
static void emit_csv(long rows) {
  /* how far each group sits from the whole population, in percent, towards worse */
  static const int race_offset[7] = {9, -7, 11, 5, 2, 4, -10};
  long nind = Ir + Io, blocks = 0, per, rem, i, k, written = 0;
  first_day = days_from_civil(1000, 1, 1);
  last_day = days_from_civil(2026, 6, 30);
  for (i = 0; i < nind; i++) blocks += 1 + (ind[i].race ? 7 : 0);
  per = rows / blocks;
  rem = rows - per * blocks;
  os("indicator,dimension,group,period,value,source,note\r\n");
  for (i = 0; i < nind; i++) {
    const IndInfo *in = &ind[i];
    long b = 1 + (in->race ? 7 : 0), extra = rem < b ? rem : b, n = per + (extra > 0), g;
    int gr;
    rem -= extra;
    if (n == 0) continue;
    gr = in->freq == F_ANNUALLY    ? GR_YEAR
         : in->freq == F_QUARTERLY ? GR_QUARTER
         : in->freq == F_MONTHLY   ? GR_MONTH
                                   : GR_WEEK;
    while (gr < GR_DAY && gran_cap(gr) < n) gr++;
    if (gran_cap(gr) < n)
      die("%ld rows are too many for %ld indicators: a series would reach before the year 1000",
          rows, nind);
    for (k = 0; k < n; k++) {
      long span = in->target - in->base;
      long v = in->base * 10 + (n > 1 ? span * 10 * 9 * k / (10 * (n - 1)) : 0);
      long noise = (labs(span) + 10) * 10 / 25;
      v += rn(&RC, 2 * noise + 1) - noise;
      for (g = 0; g < b; g++) {
        long gv = g == 0 ? v : v + v * race_offset[g - 1] * in->dir * -1 / 100;
        const char *src = in->source;
        long nr = rn(&RC, 100);
        if (k == n - 1 && extra > 0 && g >= extra) break;
        if (gv < 0) gv = 0;
        if (in->pct && gv > 10000) gv = 10000;
        oid(K_IND, i);
        if (g == 0) {
          os(",,,");
        } else {
          os(",race_ethnicity,");
          os(race_groups[g - 1]);
          oc(',');
        }
        operiod_k(gr, k, n);
        oc(',');
        ohund(gv);
        oc(',');
        if (nr < 3) src = "County \"open data\" portal, nightly extract";
        ocsv(src);
        oc(',');
        if (nr >= 90) ocsv(csv_notes[nr % NELEM(csv_notes)]);
        os("\r\n");
        written++;
      }
    }
  }
  if (written != rows) die("internal error: wrote %ld rows, not %ld", written, rows);
}

/* ---- worst cases (docs/security.md, "Rules and checks: bounded cost") ---- */

/* One file, OUTDIR/main.charter, shaped to make a check that is pairwise
 * (or recursive) in its input slow: "groups", a dimension with N groups
 * and an indicator with an equity line for every tenth of them; "chain", N
 * outcomes in one leads_to chain ending at a goal; "rules", a rule nesting
 * four comprehensions over N goals (the step budget stops it). */
static void emit_worst(const char *kind, long n) {
  long i;
  os("charter \"Worst case: ");
  os(kind);
  os("\" {\n  vision \"Generated by tests/bench/gen.c --worst\"\n}\n\n");
  if (!strcmp(kind, "groups")) {
    os("dimension place \"Place\" {\n  groups");
    for (i = 0; i < n; i++) {
      os(i ? ",\n    \"Area " : " \"Area ");
      on(i);
      oc('"');
    }
    os("\n}\n\nindicator served \"People served\" {\n  unit \"people\"\n  direction up\n"
       "  baseline 10 in 2024\n  target 20 by 2027\n  disaggregate place\n");
    for (i = 0; i < n; i += 10) {
      os("  equity place \"Area ");
      on(i);
      os("\" 15 by 2027\n");
    }
    os("}\n");
  } else if (!strcmp(kind, "chain")) {
    for (i = 0; i < n; i++) {
      os("outcome o");
      on(i);
      os(" \"Step ");
      on(i);
      os("\" {\n  horizon short\n  leads_to ");
      if (i + 1 < n) {
        oc('o');
        on(i + 1);
      } else {
        os("end");
      }
      os("\n}\n");
    }
    os("goal end \"The end of the chain\" {}\n");
  } else {
    for (i = 0; i < n; i++) {
      os("goal g");
      on(i);
      os(" \"Goal ");
      on(i);
      os("\" {}\n");
    }
    os("rule quadruples \"Compares every four goals\" {\n"
       "  require count(a in goals: count(b in goals: count(c in goals: count(d in goals: "
       "a == d and b == c) > 0) > 0) > 0) >= 0\n}\n");
  }
}

/* ---- driver ---- */

static void usage(FILE *f) {
  fputs(
      "usage: gen [--seed S] [--files K] [--csv ROWS] DECLS OUTDIR\n"
      "       gen --worst groups|chain|rules N OUTDIR\n"
      "Writes OUTDIR/main.charter and OUTDIR/part_01.charter ... part_K.charter,\n"
      "a synthetic program of about DECLS declarations (K = 8 by default), and\n"
      "with --csv, OUTDIR/data.csv holding ROWS measurements for it.\n"
      "With --worst, OUTDIR/main.charter alone, a worst case of size N for the\n"
      "checks: a dimension with N groups, a leads_to chain of N outcomes, or a\n"
      "rule nesting four comprehensions over N goals.\n",
      f);
}

static long long parse_num(const char *s, const char *what, long long min, long long max) {
  char *end;
  long long v;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max)
    die("bad %s '%s' (a whole number from %lld to %lld)", what, s, min, max);
  return v;
}

static void mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path), i;
  if (n >= sizeof buf) die("%s: path too long", path);
  memcpy(buf, path, n + 1);
  for (i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) die("%s: %s", buf, strerror(errno));
      buf[i] = c;
    }
  }
}

int main(int argc, char **argv) {
  uint64_t seed = 1;
  long long decls = -1, rows = -1;
  const char *outdir = NULL, *worst = NULL;
  int i, npos = 0, f;
  char name[64];
  K = 8;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "--worst")) {
      if (i + 1 >= argc) die("--worst needs groups, chain or rules");
      worst = argv[++i];
      if (strcmp(worst, "groups") && strcmp(worst, "chain") && strcmp(worst, "rules"))
        die("--worst takes groups, chain or rules, not '%s'", worst);
    } else if (!strcmp(a, "--seed") || !strcmp(a, "--files") || !strcmp(a, "--csv")) {
      if (i + 1 >= argc) die("%s needs a value", a);
      if (a[2] == 's')
        seed = (uint64_t)parse_num(argv[++i], "seed", 0, INT64_MAX);
      else if (a[2] == 'f')
        K = (int)parse_num(argv[++i], "file count", 1, 999);
      else
        rows = parse_num(argv[++i], "row count", 0, 2000000000);
    } else if (a[0] == '-' && a[1]) {
      usage(stderr);
      die("unknown option '%s'", a);
    } else if (npos == 0) {
      decls = parse_num(a, "declaration count", 1, 50000000);
      npos++;
    } else if (npos == 1) {
      outdir = a;
      npos++;
    } else {
      usage(stderr);
      exit(2);
    }
  }
  if (npos != 2) {
    usage(stderr);
    exit(2);
  }
  if (worst) {
    mkdirs(outdir);
    out_open(outdir, "main.charter");
    emit_worst(worst, (long)decls);
    out_close();
    return 0;
  }

  /* the shape: each later stage at least as wide as the next, so that
   * proportional links reach every node */
  G = decls * 2 / 100 > 1 ? decls * 2 / 100 : 1;
  Ol = decls * 4 / 100 > G ? decls * 4 / 100 : G;
  Oi = decls * 7 / 100 > Ol ? decls * 7 / 100 : Ol;
  Os = decls * 9 / 100 > Oi ? decls * 9 / 100 : Oi;
  P = decls / 10 > 5 ? decls / 10 : 5;
  C = decls / 100 > 1 ? decls / 100 : 1;
  A = decls * 30 / 100 > Os ? decls * 30 / 100 : Os;
  O = Os + Oi + Ol;
  Ir = O + G;
  Io = decls - (P + C + G + O + Ir + A);
  if (Io < 1) Io = A / 2 > 1 ? A / 2 : 1;
  Pc = 2 * (P / 5) + (P % 5 > 1) + (P % 5 > 3);
  Po = 3 * (P / 5) + (P % 5 > 0) + (P % 5 > 2);

  rng_seed(&R, seed);
  rng_seed(&RC, seed ^ 0x5DEECE66Dull);
  ind = calloc((size_t)(Ir + Io), sizeof *ind);
  if (!ind) die("out of memory");
  theme_base = (int)rnd(NTHEMES);
  plan_partners();

  mkdirs(outdir);
  out_open(outdir, "main.charter");
  emit_main(seed, (long)decls);
  out_close();
  for (f = 0; f < K; f++) {
    snprintf(name, sizeof name, "part_%02d.charter", f + 1);
    out_open(outdir, name);
    emit_part(f);
    out_close();
  }
  if (rows >= 0) {
    out_open(outdir, "data.csv");
    emit_csv((long)rows);
    out_close();
  }
  free(ind);
  free(pplan);
  free(funders);
  return 0;
}
