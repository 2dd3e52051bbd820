-- :checkhealth tacit reports OK for an attached buffer in a repository with
-- an identity, and says what is wrong without one; setup{} validates its
-- options against the schema (and the plugin works without setup at all,
-- as every other test shows).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

local function health_lines()
  vim.cmd('checkhealth tacit')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  vim.cmd('bwipeout')
  return lines
end

local function count(lines, pattern)
  local n = 0
  for _, l in ipairs(lines) do
    if l:find(pattern) then
      n = n + 1
    end
  end
  return n
end

H.run('health', function()
  H.repo({ ['main.rs'] = { 'fn main() {}' } })
  H.load_plugin()

  -- setup{}: unknown options and wrong types are reported, valid ones kept.
  require('tacit').setup({ virtual_text_words = 5, colour = 'red', codelens = 'yes', list = 'telescope' })
  local warnings = {}
  for _, n in ipairs(H.notes) do
    table.insert(warnings, n.msg)
  end
  table.sort(warnings)
  H.eq({
    'tacit: option "codelens" must be a boolean, got string',
    'tacit: option "list" must be one of quickfix, select, got "telescope"',
  }, vim.list_slice(warnings, 1, 2), 'the type warnings')
  H.contains(warnings[3], 'tacit: unknown option "colour" (known: ', 'the unknown option')
  local values = require('tacit.config').values
  H.eq({ 5, true, 'quickfix' }, { values.virtual_text_words, values.codelens, values.list }, 'the options in force')

  local buf = H.open('main.rs')
  local lines = health_lines()
  local text = table.concat(lines, '\n')
  H.contains(text, 'tacit: the server', 'the report')
  H.contains(text, 'tacit ', 'the version')
  H.contains(text, 'inside the git work tree ' .. H.root, 'the repository')
  H.contains(text, 'identity: Me <me@example.com>', 'the identity')
  H.contains(text, 'client ' .. require('tacit.lsp').client(buf).id .. ' attached', 'the client')
  H.eq(4, count(lines, '^%s*%- OK') + count(lines, '^%s*OK'), 'OK lines: ' .. text)
  H.eq(0, count(lines, 'ERROR'), 'ERROR lines: ' .. text)

  -- The help file: its tags build without duplicates, and :help finds them
  -- (built in a copy: the source tree is not written to).
  local docs = vim.fn.tempname() .. '-doc'
  vim.fn.mkdir(docs .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(H.plugin .. '/doc/tacit.txt'), docs .. '/doc/tacit.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(docs .. '/doc'))
  vim.opt.runtimepath:prepend(docs)
  for _, tag in ipairs({ 'tacit', ':Tacit-note', 'tacit-config-binary', 'tacit.setup()', 'tacit-health' }) do
    vim.cmd('help ' .. tag)
    H.eq('tacit.txt', vim.fn.expand('%:t'), ':help ' .. tag)
    vim.cmd('close')
  end

  -- Without an identity: an error that says how to set one.
  H.sh({ 'git', '-C', H.root, 'config', '--unset', 'user.email' })
  vim.env.HOME = H.root -- no global identity either
  text = table.concat(health_lines(), '\n')
  H.contains(text, 'ERROR', 'the report without an identity')
  H.contains(text, 'no git identity', 'the report without an identity')
  H.contains(text, 'git config --global user.email', 'the advice')
end)
