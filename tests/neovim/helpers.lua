-- Shared by the headless Neovim tests: a real git repository in a temporary
-- folder, the real `tacit` binary, the plugin from editors/neovim, waits on
-- explicit conditions, and a non-zero exit on any failure or Lua error.
--
-- Run as: TACIT=build/bin/tacit nvim --headless --clean -u tests/neovim/<test>.lua
local H = {}

H.tacit = assert(os.getenv('TACIT'), 'set TACIT to the tacit binary')
H.plugin = assert(os.getenv('TACIT_PLUGIN'), 'set TACIT_PLUGIN to editors/neovim')
H.name = 'neovim'

-- Every notification, and those at ERROR level (a test fails on any).
H.notes, H.errors = {}, {}

local function out(msg)
  io.stderr:write(msg .. '\n')
end

function H.fail(msg)
  error(msg, 2)
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(string.format('%s: expected %s, got %s', what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.contains(haystack, needle, what)
  if type(haystack) ~= 'string' or not haystack:find(needle, 1, true) then
    error(string.format('%s: expected %q in %s', what or 'text', needle, vim.inspect(haystack)), 2)
  end
end

-- Waits until `predicate()` is true (events are processed meanwhile); fails
-- with `what` when it never becomes true. The bound only turns a hang into
-- a failure: nothing here waits for a fixed time.
function H.wait(what, predicate, bound_ms)
  local ok = vim.wait(bound_ms or 30000, predicate, 10)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
end

-- Runs a command line and returns its stdout; fails on a non-zero exit.
function H.sh(cmd, opts)
  opts = opts or {}
  local stdout = opts.input and vim.fn.system(cmd, opts.input) or vim.fn.system(cmd)
  if vim.v.shell_error ~= 0 and not opts.may_fail then
    error(string.format('%s exited %d: %s', table.concat(cmd, ' '), vim.v.shell_error, stdout), 2)
  end
  return stdout, vim.v.shell_error
end

-- `tacit ARGS…` in the test repository (as `git -C`: cd there first).
function H.cli(args, env)
  local cmd = { 'env' }
  for k, v in pairs(env or {}) do
    table.insert(cmd, k .. '=' .. v)
  end
  table.insert(cmd, H.tacit)
  vim.list_extend(cmd, args)
  local saved = vim.fn.getcwd()
  vim.cmd('cd ' .. vim.fn.fnameescape(H.root))
  local ok, result = pcall(H.sh, cmd)
  vim.cmd('cd ' .. vim.fn.fnameescape(saved))
  if not ok then
    error(result, 2)
  end
  return result
end

function H.cli_json(args, env)
  return vim.fn.json_decode(H.cli(args, env))
end

-- A fresh repository with `files` ({name = {lines}}) committed, the user
-- `me@example.com`. Sets H.root.
function H.repo(files)
  local root = vim.fn.tempname() .. '-tacit'
  vim.fn.mkdir(root, 'p')
  root = vim.fn.resolve(root)
  H.root = root
  H.sh({ 'git', 'init', '-q', root })
  H.sh({ 'git', '-C', root, 'config', 'user.name', 'Me' })
  H.sh({ 'git', '-C', root, 'config', 'user.email', 'me@example.com' })
  for name, lines in pairs(files) do
    vim.fn.mkdir(vim.fn.fnamemodify(root .. '/' .. name, ':h'), 'p')
    vim.fn.writefile(lines, root .. '/' .. name)
  end
  H.sh({ 'git', '-C', root, 'add', '.' })
  H.sh({ 'git', '-C', root, 'commit', '-qm', 'seed' })
  return root
end

-- Loads the plugin as a package manager would (the -u script runs before
-- plugin/ files are sourced).
function H.load_plugin(opts)
  vim.opt.runtimepath:prepend(H.plugin)
  -- The plugin finds the binary by name on $PATH, as a user's would (or, with
  -- opts.off_path, only from the `binary` option).
  if not (opts and opts.off_path) then
    vim.env.PATH = vim.fn.fnamemodify(H.tacit, ':p:h') .. ':' .. vim.env.PATH
  end
  vim.cmd('runtime plugin/tacit.lua')
  vim.notify = function(msg, level)
    table.insert(H.notes, { msg = msg, level = level })
    if level == vim.log.levels.ERROR then
      table.insert(H.errors, msg)
    end
  end
end

-- The generation of `buf`'s drawing: take it before an action, then
-- H.wait_update(buf, mark) waits for the redraw after it.
function H.generation(buf)
  return require('tacit').state(buf).generation
end

function H.wait_update(buf, mark, what)
  H.wait(what or 'tacit to redraw', function()
    return H.generation(buf) > mark
  end)
end

-- Opens `name` in the test repository and waits until it is attached and
-- drawn.
function H.open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(H.root .. '/' .. name))
  local buf = vim.api.nvim_get_current_buf()
  H.wait('the first drawing of ' .. name, function()
    return H.generation(buf) > 0
  end)
  return buf
end

-- The virtual text Tacit drew: {row (0-based) = text}.
function H.virtual_text(buf)
  local ns = vim.api.nvim_get_namespaces()['tacit']
  local out = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
    local text = {}
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      table.insert(text, chunk[1])
    end
    out[mark[2]] = table.concat(text)
  end
  return out
end

-- The code lenses drawn (Neovim's own namespaces): {row = text}.
function H.lenses(buf)
  local out = {}
  for name, ns in pairs(vim.api.nvim_get_namespaces()) do
    if name:find('codelens', 1, true) then
      for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
        local text = {}
        for _, chunk in ipairs(mark[4].virt_text or {}) do
          table.insert(text, chunk[1])
        end
        local joined = vim.trim(table.concat(text))
        if joined ~= '' then
          out[mark[2]] = joined
        end
      end
    end
  end
  return out
end

-- Runs an Ex command and waits for the notification matching `pattern`
-- that says it finished (or fails with the first error notification).
-- Returns that notification's text.
function H.command(cmd, pattern)
  local before = #H.notes
  vim.cmd(cmd)
  local found
  H.wait(cmd .. ' to finish', function()
    for i = before + 1, #H.notes do
      if H.notes[i].msg:find(pattern) then
        found = H.notes[i].msg
        return true
      end
    end
    return #H.errors > 0
  end)
  if #H.errors > 0 then
    error(cmd .. ': ' .. H.errors[1], 2)
  end
  return found
end

-- A synchronous request to the tacit client of `buf`.
function H.request(buf, method, params)
  local client = require('tacit.lsp').client(buf)
  assert(client, 'no tacit client attached')
  local response
  if vim.fn.has('nvim-0.11') == 1 then
    response = client:request_sync(method, params, 20000, buf)
  else
    response = client.request_sync(method, params, 20000, buf)
  end
  assert(response, method .. ': no response')
  if response.err then
    error(method .. ': ' .. vim.inspect(response.err), 2)
  end
  return response.result
end

-- Runs the test body; exits 0 when it passed, 1 (with the reason on stderr)
-- on any failure, Lua error or ERROR notification.
function H.run(name, body)
  H.name = name
  vim.v.errmsg = ''
  local ok, err = xpcall(body, debug.traceback)
  if ok and #H.errors > 0 then
    ok, err = false, 'error notifications: ' .. vim.inspect(H.errors)
  end
  if ok and vim.v.errmsg ~= '' then
    ok, err = false, 'an error message was shown: ' .. vim.v.errmsg
  end
  if ok then
    out('\nPASS ' .. name)
    vim.cmd('qall!')
  else
    out('\nFAIL ' .. name .. ': ' .. tostring(err))
    vim.cmd('cquit 1')
  end
end

return H
