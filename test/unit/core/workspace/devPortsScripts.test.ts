import * as assert from 'node:assert/strict';
import { portsOfCommandLine, publishedHostPorts } from '../../../../src/core/workspace/scriptPorts';
import { parseWatchPortsSetting, buildWatchList } from '../../../../src/core/workspace/watchList';

/** "5173 default" / "3001 explicit" / "5353/udp explicit". */
function ports(line: string): string[] {
  return portsOfCommandLine(line).map(p => `${p.port}${p.protocol === 'udp' ? '/udp' : ''} ${p.kind}`);
}

describe('ports of package.json script command lines', () => {
  const cases: [string, string[]][] = [
    ['vite', ['5173 default']],
    ['vite --port 5174', ['5174 explicit']],
    ['vite --port=5175 --host', ['5175 explicit']],
    ['vite preview', ['4173 default']],
    ['vite build && vite preview --port 4000', ['4000 explicit']],
    ['vite build', []],
    ['vite --port $PORT', []], // a port that is not a literal is unknown, not the default
    ['vite --port 80a', []],
    ['vite --port 70000', []],
    ['next dev', ['3000 default']],
    ['next dev -p 3005', ['3005 explicit']],
    ['next build && next start', ['3000 default']],
    ['PORT=3001 react-scripts start', ['3001 explicit']],
    ['PORT=3001 vite', ['3001 explicit', '5173 default']], // vite ignores PORT
    ['cross-env NODE_ENV=development PORT=4001 nodemon server.js', ['4001 explicit']],
    ['npx --yes vite --port 5180', ['5180 explicit']],
    ['pnpm exec astro dev', ['4321 default']],
    ['yarn vite', ['5173 default']],
    ['node node_modules/.bin/vite', ['5173 default']],
    ['node server.js', []],
    ['node -p "1+1"', []],
    ['npm run dev -- --port 3001', ['3001 explicit']],
    ['npm run dev', []],
    ['tsc -p tsconfig.json', []],
    ['ng serve', ['4200 default']],
    ['ng serve --port 4201', ['4201 explicit']],
    ['ng build', []],
    ['nuxt dev', ['3000 default']],
    ['NUXT_PORT=3100 nuxt dev', ['3100 explicit']],
    ['webpack serve --mode development', ['8080 default']],
    ['webpack --mode production', []],
    ['webpack-dev-server --port 9001', ['9001 explicit']],
    ['storybook dev -p 6006', ['6006 explicit']],
    ['storybook dev', ['6006 default']],
    ['storybook build', []],
    ['remix vite:dev', ['5173 default']],
    ['react-router dev', ['5173 default']],
    ['gatsby develop', ['8000 default']],
    ['gatsby serve', ['9000 default']],
    ['http-server dist', ['8080 default']],
    ['http-server dist -p 8081', ['8081 explicit']],
    ['serve -s build -l 5001', ['5001 explicit']],
    ['serve -l tcp://0.0.0.0:5002', ['5002 explicit']],
    ['python -m http.server', ['8000 default']],
    ['python3 -m http.server 9000 --bind 127.0.0.1', ['9000 explicit']],
    ['python manage.py runserver', ['8000 default']],
    ['python manage.py runserver 0.0.0.0:8001', ['8001 explicit']],
    ['django-admin runserver 8002', ['8002 explicit']],
    ['flask run', ['5000 default']],
    ['flask run --port=5050', ['5050 explicit']],
    ['FLASK_RUN_PORT=5051 flask run', ['5051 explicit', '5000 default']],
    ['bundle exec rails server', ['3000 default']],
    ['bin/rails s -p 3001', ['3001 explicit']],
    ['jupyter lab', ['8888 default']],
    ['jupyter notebook --port=8890', ['8890 explicit']],
    ['jupyter lab --ServerApp.port=8891', ['8891 explicit']],
    ['uvicorn main:app --reload', ['8000 default']],
    ['gunicorn -b 0.0.0.0:8003 app:app', ['8003 explicit']],
    ['php -S localhost:8081 -t public', ['8081 explicit']],
    ['php artisan serve', ['8000 default']],
    ['docker run --rm -p 8080:80 -p 127.0.0.1:5353:53/udp nginx', ['8080 explicit', '5353/udp explicit']],
    ['docker run -p 9000 nginx', []],
    ['concurrently -k -p "[{name}]" "vite" "node api.js --port 4000"', ['5173 default', '4000 explicit']],
    ["sh -c 'PORT=4002 node server.js'", ['4002 explicit']],
    ['vite --port ${PORT:-5190}', ['5190 explicit']],
    ['hugo server', ['1313 default']],
    ['wrangler dev', ['8787 default']],
    ['parcel index.html', ['1234 default']],
    ['parcel build index.html', []],
    ['vitest', []],
  ];
  for (const [line, expected] of cases) {
    it(line, () => assert.deepEqual(ports(line), expected));
  }

  it('docker-style publish specs take the host side', () => {
    assert.deepEqual(publishedHostPorts('3000:3000'), { ports: [3000], protocol: 'tcp' });
    assert.deepEqual(publishedHostPorts('[::1]:6001:6001'), { ports: [6001], protocol: 'tcp' });
    assert.deepEqual(publishedHostPorts('8000-8002:8000-8002/udp'), { ports: [8000, 8001, 8002], protocol: 'udp' });
    assert.equal(publishedHostPorts('3000'), undefined);
    assert.equal(publishedHostPorts('1-60000:1-60000'), undefined, 'absurd ranges are not watched');
    assert.equal(publishedHostPorts('80:80/sctp'), undefined);
  });
});

describe('portInspector.watchPorts setting', () => {
  it('numbers, strings, ranges and protocols; each bad entry one message, good ones kept', () => {
    const r = parseWatchPortsSetting([3000, '8000-8002', '5353/udp', ' 9000 ', '80a', 70000, '10-5', { port: 1 }, '1-2000', 0]);
    assert.deepEqual(r.ports.map(p => `${p.port}/${p.protocol}`), ['3000/tcp', '8000/tcp', '8001/tcp', '8002/tcp', '5353/udp', '9000/tcp']);
    assert.equal(r.problems.length, 6, r.problems.join('\n'));
    assert.match(r.problems[0], /"80a"/);
    assert.match(r.problems[1], /70000 is not a port/);
    assert.match(r.problems[2], /"10-5" is not a valid range/);
    assert.match(r.problems[4], /more than 1000 ports/);
    assert.deepEqual(parseWatchPortsSetting('3000').problems, ['portInspector.watchPorts must be a list, e.g. [3000, "8000-8010"]']);
    assert.deepEqual(parseWatchPortsSetting(undefined), { ports: [], problems: [] });
  });

  it('merges detection and setting into one entry per port with every source', () => {
    const list = buildWatchList(
      [{ folder: 'web', detection: { ports: [{ port: 3000, protocol: 'tcp', file: 'package.json', line: 5, detail: 'script "dev": next dev', kind: 'default' }], notes: [] } },
        { folder: 'api', detection: { ports: [{ port: 4000, protocol: 'tcp', file: '.env', line: 1, detail: 'PORT=4000', kind: 'explicit' }], notes: [] } }],
      [{ port: 3000, protocol: 'tcp' }, { port: 3000, protocol: 'udp' }],
    );
    assert.deepEqual(list.map(w => `${w.port}/${w.protocol}:${w.sources.map(s => s.kind).join('+')}`), ['3000/tcp:default+setting', '3000/udp:setting', '4000/tcp:explicit']);
  });
});
