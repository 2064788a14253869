// NiceGUI's Quasar (its UMD build: `window.Quasar`, installed by NiceGUI's page with `app.use(Quasar, ...)`) with
// only the components and plugins quasar.json names, for pages/static/js/quasar.js (`make quasar`). NiceGUI's own
// build registers all 80 components: 130 KB of the 290 a phone fetches on its first visit (issue 19).
//
// The entry is written here from quasar.json, importing each component from its own file: Quasar's package declares
// no `sideEffects`, so importing from its index would keep everything. Vue is NiceGUI's, read from `window.Vue`.
import * as esbuild from 'esbuild'
import { readFileSync, readdirSync } from 'node:fs'

const wanted = JSON.parse(readFileSync('quasar.json', 'utf8'))
const source = 'node_modules/quasar/src'
const installed = JSON.parse(readFileSync('node_modules/quasar/package.json', 'utf8')).version
if (installed !== wanted.version) throw new Error(`quasar.json names Quasar ${wanted.version}, npm installed ${installed}`)

function fileOf (folder, name) {
  for (const sub of readdirSync(`${source}/${folder}`)) {
    if (readdirSync(`${source}/${folder}/${sub}`).includes(`${name}.js`)) return `quasar/src/${folder}/${sub}/${name}.js`
  }
  throw new Error(`Quasar ${installed} has no ${name}`)
}

// every name Quasar's sources import from 'vue' (`import { h, ref as r } from 'vue'`, over one or more lines)
function vueNamesQuasarImports () {
  const names = new Set()
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.js')) {
        for (const [, list] of readFileSync(path, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'vue'/g)) {
          for (const part of list.split(',')) names.add(part.trim().split(/\s+as\s+/)[0])
        }
      }
    }
  }
  walk(source)
  names.delete('')
  return [...names].sort()
}

const imports = [...wanted.components.map(name => [name, fileOf('components', name)]),
  ...wanted.plugins.map(name => [name, fileOf('plugins', name)])]
const entry = `
import installQuasar from 'quasar/src/install-quasar.js'
import Lang from 'quasar/src/plugins/lang/Lang.js'
import IconSet from 'quasar/src/plugins/icon-set/IconSet.js'
${imports.map(([name, file]) => `import ${name} from '${file}'`).join('\n')}
const components = { ${wanted.components.join(', ')} }
const plugins = { ${wanted.plugins.join(', ')} }
window.Quasar = {
  version: '${installed}',
  install (app, opts) { installQuasar(app, { components, plugins, ...opts }) },
  lang: Lang, // NiceGUI's page sets the language through it; its language file adds itself to Quasar.Lang
  iconSet: IconSet,
  Lang,
  IconSet,
  ...components,
  ...plugins,
}
`

await esbuild.build({
  stdin: { contents: entry, resolveDir: '.', sourcefile: 'entry.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  banner: { js: `/*! Quasar Framework v${installed} (c) 2015-present Razvan Stoenescu, MIT License: ${wanted.components.length} components (scripts/quasar) */` },
  outfile: '../../pages/static/js/quasar.js',
  define: {
    __QUASAR_VERSION__: JSON.stringify(installed),
    __QUASAR_SSR__: 'false',
    __QUASAR_SSR_SERVER__: 'false',
    __QUASAR_SSR_CLIENT__: 'false',
    __QUASAR_SSR_PWA__: 'false',
  },
  plugins: [{
    name: 'vue-from-window',
    setup (build) {
      // named exports, not `module.exports = window.Vue`: esbuild wrapped that CommonJS module at each of Quasar's 91
      // `import { ... } from 'vue'` and copied all of Vue's exports into getters every time, 30 ms of a phone's CPU
      const names = vueNamesQuasarImports()
      build.onResolve({ filter: /^vue$/ }, () => ({ path: 'vue', namespace: 'vue-from-window' }))
      build.onLoad({ filter: /.*/, namespace: 'vue-from-window' }, () => ({
        contents: `export const { ${names.join(', ')} } = window.Vue`,
      }))
    },
  }],
})
