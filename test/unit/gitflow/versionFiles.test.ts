import * as assert from 'node:assert/strict';
import { SlipwayError } from '../../../src/core/errors';
import { cutChangelog } from '../../../src/core/gitflow/changelog';
import { bumpVersionText, configuredVersionFiles, isVersionNumber, versionFileFormat } from '../../../src/core/gitflow/versionFiles';

describe('version files', () => {
  it('sets the top-level version of package.json and keeps everything else byte for byte', () => {
    const text = '{\n  "name": "x",\n  "version": "1.0.0",\n  "engines": {\n    "version": "keep"\n  },\n  "private": true\n}\n';
    assert.equal(bumpVersionText('package.json', 'package.json', text, '1.2.0'), text.replace('"1.0.0"', '"1.2.0"'));
    assert.throws(() => bumpVersionText('package.json', 'package.json', '{"name":"x"}', '1.0.0'), (e) => SlipwayError.is(e, 'config') && /package\.json: has no "version"/.test(e.message));
    assert.throws(() => bumpVersionText('package.json', 'package.json', '{ nope', '1.0.0'), (e) => SlipwayError.is(e, 'config') && /not valid JSON/.test(e.message));
  });

  it('sets both versions of an npm lock file, in npm\'s own format', () => {
    const lock = { name: 'x', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'x', version: '1.0.0' }, 'node_modules/a': { version: '1.0.0' } } };
    const out = JSON.parse(bumpVersionText('package-lock.json', 'package-lock.json', JSON.stringify(lock, null, 2) + '\n', '2.0.0'));
    assert.equal(out.version, '2.0.0');
    assert.equal(out.packages[''].version, '2.0.0');
    assert.equal(out.packages['node_modules/a'].version, '1.0.0');
  });

  it('sets version in pyproject.toml under [project], else [tool.poetry], never elsewhere', () => {
    const pep621 = '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "x"\nversion = "0.1.0"  # the version\n\n[tool.other]\nversion = "9"\n';
    assert.equal(bumpVersionText('pyproject.toml', 'pyproject.toml', pep621, '0.2.0'), pep621.replace('"0.1.0"', '"0.2.0"'));
    const poetry = "[tool.poetry]\nname = 'x'\nversion = '1.0'\n";
    assert.equal(bumpVersionText('pyproject.toml', 'pyproject.toml', poetry, '1.1'), "[tool.poetry]\nname = 'x'\nversion = '1.1'\n");
    const dynamic = '[project]\nname = "x"\ndynamic = ["version"]\n[tool.poetry]\nversion = "3"\n';
    assert.match(bumpVersionText('pyproject.toml', 'pyproject.toml', dynamic, '4'), /\[tool\.poetry\]\nversion = "4"/);
    assert.throws(() => bumpVersionText('pyproject.toml', 'pyproject.toml', '[project]\nname = "x"\n', '1'), (e) => SlipwayError.is(e, 'config'));
  });

  it('rewrites a plain VERSION file and the chart version (not appVersion) of Chart.yaml', () => {
    assert.equal(bumpVersionText('VERSION', 'VERSION', '1.0.0\n', '1.1.0'), '1.1.0\n');
    assert.equal(bumpVersionText('VERSION', 'VERSION', '1.0.0', '1.1.0'), '1.1.0');
    const chart = 'apiVersion: v2\nname: x\nappVersion: "1.0.0"\nversion: 0.3.0 # chart\n';
    assert.equal(bumpVersionText('Chart.yaml', 'charts/x/Chart.yaml', chart, '0.4.0'), 'apiVersion: v2\nname: x\nappVersion: "1.0.0"\nversion: 0.4.0 # chart\n');
  });

  it('knows the formats by file name, reads the configured list, and recognises version numbers', () => {
    assert.equal(versionFileFormat('charts/app/Chart.yaml'), 'Chart.yaml');
    assert.equal(versionFileFormat('setup.py'), undefined);
    assert.deepEqual(configuredVersionFiles(undefined), ['package.json']);
    assert.deepEqual(configuredVersionFiles('VERSION, charts/a/Chart.yaml  pyproject.toml'), ['VERSION', 'charts/a/Chart.yaml', 'pyproject.toml']);
    assert.deepEqual(configuredVersionFiles(''), []);
    for (const v of ['1', '1.2.3', '1.2.3-rc.1', '2.0.0+build.5']) assert.equal(isVersionNumber(v), true, v);
    for (const v of ['next', 'v1.2', '1..2', '']) assert.equal(isVersionNumber(v), false, v);
  });
});

describe('CHANGELOG cut (Keep a Changelog)', () => {
  const file = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '### Added',
    '- Dry runs',
    '',
    '## [1.0.0] - 2026-01-01',
    '',
    '### Added',
    '- First',
    '',
    '[Unreleased]: https://example.invalid/r/compare/v1.0.0...HEAD',
    '[1.0.0]: https://example.invalid/r/releases/tag/v1.0.0',
    '',
  ].join('\n');

  it('moves the Unreleased entries under the new version, keeps an empty Unreleased on top, and updates the links', () => {
    const cut = cutChangelog(file, '1.1.0', 'v1.1.0', '2026-12-01', ['ignored']);
    assert.equal(cut.fromCommits, false);
    assert.equal(
      cut.text,
      [
        '# Changelog',
        '',
        '## [Unreleased]',
        '',
        '## [1.1.0] - 2026-12-01',
        '',
        '### Added',
        '- Dry runs',
        '',
        '## [1.0.0] - 2026-01-01',
        '',
        '### Added',
        '- First',
        '',
        '[Unreleased]: https://example.invalid/r/compare/v1.1.0...HEAD',
        '[1.1.0]: https://example.invalid/r/compare/v1.0.0...v1.1.0',
        '[1.0.0]: https://example.invalid/r/releases/tag/v1.0.0',
        '',
      ].join('\n'),
    );
  });

  it('lists the commit subjects when Unreleased is empty, and adds an Unreleased section when there is none', () => {
    const empty = '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n- First\n';
    const cut = cutChangelog(empty, '1.0.1', '1.0.1', '2026-12-01', ['Fix the login', 'Tidy up']);
    assert.equal(cut.fromCommits, true);
    assert.equal(cut.text, '# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-12-01\n\n### Changed\n- Fix the login\n- Tidy up\n\n## [1.0.0] - 2026-01-01\n- First\n');
    const none = cutChangelog('# Changelog\n', '0.1.0', '0.1.0', '2026-12-01', ['Start']);
    assert.equal(none.text, '# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-01\n\n### Changed\n- Start\n');
  });
});
