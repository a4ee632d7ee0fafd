// Plays the person at oidc-provider's development pages, as a browser would: follows
// redirects with a cookie jar, fills in and submits every form it meets (login, consent,
// the device code's confirmation), and ends by opening the loopback callback the server
// redirects to. Usage:
//   node person.mjs URL            the browser sign-in ($BROWSER): URL is the authorization URL
//   node person.mjs deny URL       the same, but abort at the consent page (access_denied)
// The device sign-in passes verification_uri_complete as URL.
const args = process.argv.slice(2);
const start = args.at(-1);
const mode = args.length > 1 ? args[0] : undefined;
const jar = new Map();
const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
const keep = (res) => {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
};

const forms = (html) => [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)]
  .map(([, action, body]) => {
    const fields = new URLSearchParams();
    for (const [input] of body.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
      if (!name) continue;
      if (name === 'login') fields.set(name, 'alice');
      else if (name === 'password') fields.set(name, 'wonderland');
      else fields.set(name, value.replaceAll('&amp;', '&').replaceAll('&#x3D;', '='));
    }
    return { action: action.replaceAll('&amp;', '&'), fields };
  });

let url = new URL(start);
let method = 'GET';
let body;
for (let step = 0; step < 30; step += 1) {
  if (url.hostname === '127.0.0.1' && url.pathname === '/callback') {
    const res = await fetch(url);
    console.error(`person: callback answered ${res.status}`);
    process.exit(0);
  }
  const res = await fetch(url, {
    method,
    body,
    redirect: 'manual',
    headers: {
      cookie: cookies(),
      ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
  });
  keep(res);
  method = 'GET';
  body = undefined;
  if (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location'), url);
    continue;
  }
  const html = await res.text();
  const [form] = forms(html);
  if (!form) {
    console.error(`person: done at ${url.pathname} (${res.status})`);
    process.exit(res.ok ? 0 : 1);
  }
  if (mode === 'deny' && form.fields.get('prompt') === 'consent') {
    url = new URL(`${new URL(form.action, url).pathname}/abort`, url);
    continue;
  }
  url = new URL(form.action, url);
  method = 'POST';
  body = form.fields.toString();
}
console.error('person: too many steps');
process.exit(1);
