// The register's staff API (Bearer staff token), for putting registrations in a given state before a browser test
// looks at their pages. The journeys themselves go through the pages only.
export const API = '/algoritmeregister/api/v1';

export const CATEGORY = {
  A: 'Hoog-risico AI-systeem (Categorie A)',
  B: 'Impactvolle algoritmes (Categorie B)',
  C: 'Overige algoritmes (Categorie C)',
};

let counter = 0;

// A valid registration of Gemeente Amsterdam (every required field of Publicatiestandaard 1.0), with OVERRIDES.
export function registration(overrides = {}) {
  counter += 1;
  return {
    name: `Testalgoritme ${counter} ${process.pid}`,
    description_short: 'Dit algoritme helpt bij het plannen van het onderhoud van bruggen.',
    organization: 'Gemeente Amsterdam',
    theme: ['Verkeer'],
    status: 'In ontwikkeling',
    start_date: '2024-03',
    contact: 'algoritmes@amsterdam.example',
    publication_category: CATEGORY.C,
    purpose_and_impact: 'Het doel is bruggen op tijd te onderhouden.',
    considerations: 'De voordelen wegen op tegen de nadelen.',
    human_intervention: 'Een medewerker beoordeelt elk voorstel.',
    risk_management: 'Wij controleren de uitkomsten elk kwartaal.',
    impact_assessments: 'Geen',
    data: 'Inspectiegegevens van bruggen.',
    technical_operation: 'Een rekenregel bepaalt de volgorde van onderhoud.',
    supplier: 'Eigen organisatie',
    ...overrides,
  };
}

export class StaffApi {
  constructor(baseUrl, token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async call(method, path, body, expected = [200, 201]) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(this.baseUrl + API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await r.text();
    if (!expected.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status}\n${text.slice(0, 2000)}`);
    return text ? JSON.parse(text) : null;
  }

  // A new registration (concept); returns its lars.
  async create(fields) {
    const r = await this.call('POST', '/registraties', fields, [201]);
    return r.lars;
  }

  release(lars) {
    return this.call('POST', `/registraties/${lars}/vrijgeven`, {});
  }

  publish(lars, expected = [200]) {
    return this.call('POST', `/registraties/${lars}/publiceren`, {}, expected);
  }

  reject(lars, reden) {
    return this.call('POST', `/registraties/${lars}/afwijzen`, { reden });
  }

  retract(lars, reden) {
    return this.call('POST', `/registraties/${lars}/terugtrekken`, { reden });
  }
}
