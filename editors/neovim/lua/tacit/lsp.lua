-- One `tacit serve` per git repository, its handlers, and requests to it.
-- `vim.lsp.start` where it exists (0.8+), `start_client` + `buf_attach_client`
-- on 0.7.
local config = require('tacit.config')

local M = {}

-- Client methods are called with `:` from 0.11 (the `.` form is deprecated).
local has_methods = vim.fn.has('nvim-0.11') == 1

-- root directory -> client id (0.7 path; 0.8+ lets vim.lsp.start reuse).
local clients = {}
-- directory -> top level of its work tree, or false outside one.
local roots = {}
-- Said once per session: the binary is missing.
local warned_binary = false

-- The top level of the git work tree holding `path` (a file or directory),
-- or nil. Asks git itself, so worktrees, submodules and $GIT_DIR layouts
-- are right; cached per directory.
function M.root_of(path)
  local dir = vim.fn.isdirectory(path) == 1 and path or vim.fn.fnamemodify(path, ':h')
  if dir == '' then
    return nil
  end
  if roots[dir] == nil then
    local out = vim.fn.systemlist({ 'git', '-C', dir, 'rev-parse', '--show-toplevel' })
    roots[dir] = (vim.v.shell_error == 0 and out[1] and out[1] ~= '') and out[1] or false
  end
  return roots[dir] or nil
end

-- The executable to start, or nil and why not.
function M.binary()
  local bin = config.values.binary
  local found = vim.fn.exepath(bin)
  if found == '' then
    return nil, string.format('%q is not an executable (set it with require("tacit").setup{ binary = "/path/to/tacit" })', bin)
  end
  return found
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.workspace = caps.workspace or {}
  caps.workspace.codeLens = { refreshSupport = true }
  caps.window = caps.window or {}
  caps.window.showDocument = { support = true }
  -- Reminders' choices then say what they do, so the prompt need not block.
  caps.window.showMessage = caps.window.showMessage or {}
  caps.window.showMessage.messageActionItem = { additionalPropertiesSupport = true }
  return caps
end

-- The buffers a client is attached to.
function M.buffers(client_id)
  local out = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.lsp.buf_is_attached(buf, client_id) then
      table.insert(out, buf)
    end
  end
  return out
end

-- The tacit clients, of `buf` when given (vim.lsp.get_clients from 0.10).
local function tacit_clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = 'tacit', bufnr = buf })
  end
  local out = {}
  local all = buf and vim.lsp.buf_get_clients(buf) or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == 'tacit' then
      table.insert(out, client)
    end
  end
  return out
end

-- The tacit client attached to `buf`, or nil.
function M.client(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  return tacit_clients(buf)[1]
end

-- The client of `buf`, else any running tacit client (for commands given
-- outside an attached buffer).
function M.any_client()
  return M.client(0) or tacit_clients(nil)[1]
end

local function handlers()
  local ui = function()
    return require('tacit.ui')
  end
  local h = {
    -- The knowledge changed underneath (another process, a sync).
    ['tacit/didChange'] = function(_, _, ctx)
      ui().refresh_client(ctx.client_id)
    end,
    -- Not handled by Neovim 0.7; newer versions only redraw lenses.
    ['workspace/codeLens/refresh'] = function(_, _, ctx)
      ui().refresh_client(ctx.client_id)
      return vim.NIL
    end,
    ['window/showMessageRequest'] = function(_, params, ctx)
      return ui().message_request(params, ctx.client_id)
    end,
  }
  if not vim.lsp.handlers['window/showDocument'] then
    h['window/showDocument'] = function(_, params)
      return { success = ui().show_document(params) }
    end
  end
  return h
end

local function on_attach(client, buf)
  require('tacit.commands').register_client_commands()
  require('tacit.ui').attached(client, buf)
  if config.values.on_attach then
    config.values.on_attach(client, buf)
  end
end

local function client_config(root, bin)
  return {
    name = 'tacit',
    cmd = { bin, 'serve' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    capabilities = capabilities(),
    handlers = handlers(),
    on_attach = on_attach,
    trace = config.values.trace,
    flags = { debounce_text_changes = 50 },
  }
end

-- Attaches `buf` to the tacit server of its repository, starting it if
-- needed. Returns the client id, or nil and why not.
function M.attach(buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if name == '' or vim.bo[buf].buftype ~= '' then
    return nil, 'not a file'
  end
  local root = M.root_of(name)
  if not root then
    return nil, 'not inside a git work tree'
  end
  local bin, why = M.binary()
  if not bin then
    if not warned_binary then
      warned_binary = true
      vim.notify('tacit: ' .. why, vim.log.levels.WARN)
    end
    return nil, why
  end
  if vim.lsp.start then
    local id = vim.lsp.start(client_config(root, bin), {
      bufnr = buf,
      reuse_client = function(client, conf)
        return client.name == 'tacit' and client.config.root_dir == conf.root_dir
      end,
    })
    return id
  end
  local id = clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(client_config(root, bin))
    if not id then
      return nil, 'could not start ' .. bin
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(buf, id)
  return id
end

-- Sends a request; `done(err, result)` runs on the main loop. Pending
-- changes to `buf` reach the server first.
function M.request(client, method, params, done, buf)
  local handler = function(err, result)
    done(err, result)
  end
  if has_methods then
    client:request(method, params, handler, buf or 0)
  else
    client.request(method, params, handler, buf or 0)
  end
end

-- workspace/executeCommand with one argument object.
function M.execute(client, command, argument, done, buf)
  M.request(client, 'workspace/executeCommand', { command = command, arguments = { argument } }, done, buf)
end

return M
