-- :checkhealth tacit
local M = {}

-- vim.health from 0.8 (start/ok/... from 0.9), require('health') on 0.7.
local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error
local info = health.info or health.report_info

local function git(dir, args)
  local out = vim.fn.systemlist(vim.list_extend({ 'git', '-C', dir }, args))
  return vim.v.shell_error == 0 and out[1] or nil
end

function M.check()
  local config = require('tacit.config')
  local lsp = require('tacit.lsp')

  start('tacit: the server')
  local bin, why = lsp.binary()
  if bin then
    local version = vim.fn.systemlist({ bin, '--version' })
    if vim.v.shell_error == 0 and version[1] then
      ok(string.format('%s found: %s', bin, version[1]))
    else
      fail(string.format('%s does not run: %s', bin, table.concat(version, ' ')))
    end
  else
    fail(why, { 'Build it (./setup.sh build) and put build/bin on $PATH, or set the binary option.' })
  end

  start('tacit: this buffer')
  local buf = vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(buf)
  -- :checkhealth opens its own buffer: judge the one it was called from.
  if vim.bo[buf].filetype == 'checkhealth' or name:match('^health://') then
    local alt = vim.fn.bufnr('#')
    if alt > 0 then
      buf, name = alt, vim.api.nvim_buf_get_name(alt)
    end
  end
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':h') or vim.fn.getcwd()
  local root = lsp.root_of(dir)
  if root then
    ok('inside the git work tree ' .. root)
  else
    warn(dir .. ' is not inside a git work tree', { 'Tacit keeps its knowledge in the repository: open a file in one.' })
  end

  if root then
    local user, email = git(root, { 'config', 'user.name' }), git(root, { 'config', 'user.email' })
    if user and email then
      ok(string.format('identity: %s <%s>', user, email))
    else
      fail('no git identity: notes and questions need an author', {
        'git config --global user.name "Your Name"',
        'git config --global user.email you@example.com',
      })
    end
  end

  local client = lsp.client(buf)
  if client then
    ok(string.format('client %d attached (root %s)', client.id, client.config.root_dir))
    local state = require('tacit.ui').state(buf)
    if state.error then
      warn('the server answered an error: ' .. state.error)
    else
      info(string.format('%d thread(s) in this buffer', #state.threads))
    end
  elseif root then
    warn('no tacit client attached to this buffer', {
      config.values.auto_attach and 'It attaches when a file is opened: :edit the file again.'
        or 'auto_attach is off: call require("tacit").attach().',
    })
  end
end

return M
