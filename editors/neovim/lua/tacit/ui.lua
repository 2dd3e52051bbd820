-- What Tacit draws: virtual text (extmarks in the `tacit` namespace), code
-- lenses, prompts for reminders, jumps and lists. Everything comes from the
-- server; this module only puts it on screen.
local config = require('tacit.config')
local lsp = require('tacit.lsp')

local M = {}

M.ns = vim.api.nvim_create_namespace('tacit')

vim.cmd([[
  highlight default link TacitVirtText Comment
  highlight default link TacitNote Special
  highlight default link TacitLesson Special
  highlight default link TacitQuestion DiagnosticInfo
]])

-- buf -> { threads = {...}, generation = n, timer = uv timer }
local buffers = {}

-- What Tacit knows of `buf`: `threads` (the last tacit/threads answer),
-- `generation` (bumped after every redraw, after which the User TacitUpdate
-- autocommand fires), `error` (the last failure, if any).
-- Nothing is kept for a buffer that was never attached.
function M.state(buf)
  buf = (buf == nil or buf == 0) and vim.api.nvim_get_current_buf() or buf
  return buffers[buf] or { threads = {}, generation = 0 }
end

-- The state of an attached buffer, made on first use (dropped on unload).
local function own(buf)
  buffers[buf] = buffers[buf] or { threads = {}, generation = 0 }
  return buffers[buf]
end

local function notify(msg, level)
  vim.notify('tacit: ' .. msg, level or vim.log.levels.INFO)
end
M.notify = notify

-- The first `n` words of `text`.
local function words(text, n)
  local out = {}
  for w in (text or ''):gmatch('%S+') do
    if #out == n then
      return table.concat(out, ' ') .. '…'
    end
    table.insert(out, w)
  end
  return table.concat(out, ' ')
end

local kinds = { 'note', 'lesson', 'question' }
local kind_hl = { note = 'TacitNote', lesson = 'TacitLesson', question = 'TacitQuestion' }

-- The virtual text of the threads starting on one line: each kind's icon
-- and count, then the latest message's author and first words.
function M.summary(threads)
  local chunks = {}
  local count = {}
  local latest
  for _, t in ipairs(threads) do
    count[t.kind] = (count[t.kind] or 0) + 1
    if not latest or (t.updatedAt or '') > (latest.updatedAt or '') then
      latest = t
    end
  end
  for _, kind in ipairs(kinds) do
    if count[kind] then
      local icon = config.values.icons[kind] or kind
      table.insert(chunks, { (#chunks > 0 and ' ' or '') .. icon .. ' ' .. count[kind], kind_hl[kind] })
    end
  end
  if latest then
    local who = latest.latest and latest.latest.author or ''
    local text = words(latest.latest and latest.latest.text or latest.title, config.values.virtual_text_words)
    table.insert(chunks, { '  ' .. (who ~= '' and (who .. ': ') or '') .. text, 'TacitVirtText' })
  end
  return chunks
end

function M.draw(buf)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  vim.api.nvim_buf_clear_namespace(buf, M.ns, 0, -1)
  if not config.values.virtual_text then
    return
  end
  local by_line = {}
  for _, t in ipairs(M.state(buf).threads) do
    local line = t.range.start.line
    by_line[line] = by_line[line] or {}
    table.insert(by_line[line], t)
  end
  local last = vim.api.nvim_buf_line_count(buf) - 1
  for line, threads in pairs(by_line) do
    vim.api.nvim_buf_set_extmark(buf, M.ns, math.min(line, last), 0, {
      virt_text = M.summary(threads),
      virt_text_pos = 'eol',
      hl_mode = 'combine',
    })
  end
end

local function updated(s)
  s.generation = s.generation + 1
  vim.api.nvim_exec_autocmds('User', { pattern = 'TacitUpdate', modeline = false })
end

-- Asks the server for the threads and lenses of `buf` and redraws them.
function M.refresh(buf)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  local client = lsp.client(buf)
  if not client then
    return
  end
  local s = own(buf)
  local uri = vim.uri_from_bufnr(buf)
  local waiting = 1
  local function finished()
    waiting = waiting - 1
    if waiting == 0 then
      updated(s)
    end
  end
  local lenses = config.values.codelens and vim.lsp.codelens and vim.lsp.codelens.on_codelens
  if lenses then
    waiting = 2
  end
  lsp.request(client, 'tacit/threads', { textDocument = { uri = uri } }, function(err, result)
    if err then
      s.error = err.message
    elseif result then
      s.error = nil
      s.threads = result.threads or {}
      M.draw(buf)
    end
    finished()
  end, buf)
  if lenses then
    lsp.request(client, 'textDocument/codeLens', { textDocument = { uri = uri } }, function(err, result)
      if not err and vim.api.nvim_buf_is_valid(buf) then
        vim.lsp.codelens.on_codelens(nil, result or {}, { method = 'textDocument/codeLens', client_id = client.id, bufnr = buf })
      end
      finished()
    end, buf)
  end
end

function M.refresh_client(client_id)
  for _, buf in ipairs(lsp.buffers(client_id)) do
    M.refresh(buf)
  end
end

-- Debounced refresh after edits (config.update_debounce).
local function schedule_refresh(buf)
  local s = own(buf)
  if not s.timer then
    s.timer = (vim.uv or vim.loop).new_timer()
  end
  s.timer:stop()
  s.timer:start(config.values.update_debounce, 0, vim.schedule_wrap(function()
    M.refresh(buf)
  end))
end

local group = vim.api.nvim_create_augroup('tacit_buffers', { clear = true })

function M.attached(client, buf)
  local s = own(buf)
  s.client_id = client.id
  vim.api.nvim_clear_autocmds({ group = group, buffer = buf })
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = group,
    buffer = buf,
    callback = function()
      M.refresh(buf)
    end,
  })
  -- Every change, typed or made by a plugin or the API (as gitsigns does);
  -- the refresh waits until the changes pause.
  if not s.watching then
    s.watching = true
    vim.api.nvim_buf_attach(buf, false, {
      on_lines = function()
        if not buffers[buf] then
          return true -- detach: the buffer was unloaded
        end
        schedule_refresh(buf)
      end,
      on_reload = function()
        schedule_refresh(buf)
      end,
      on_detach = function()
        if buffers[buf] then
          buffers[buf].watching = false
        end
      end,
    })
  end
  vim.api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
    group = group,
    buffer = buf,
    callback = function()
      local st = buffers[buf]
      if st and st.timer then
        st.timer:stop()
        st.timer:close()
      end
      buffers[buf] = nil
    end,
  })
  M.refresh(buf)
end

-- Jumps to `uri` at `range` (LSP, 0-based) in the current window.
function M.jump(uri, range)
  local buf = vim.uri_to_bufnr(uri)
  vim.fn.bufload(buf)
  vim.bo[buf].buflisted = true
  vim.api.nvim_win_set_buf(0, buf)
  if range then
    local line = math.min(range.start.line + 1, vim.api.nvim_buf_line_count(buf))
    vim.api.nvim_win_set_cursor(0, { line, 0 })
  end
  return buf
end

-- window/showDocument on Neovim 0.7 (newer versions have their own).
function M.show_document(params)
  if params.external then
    return false
  end
  local ok = pcall(M.jump, params.uri, params.selection)
  return ok
end

-- window/showMessageRequest. When every choice says what it does (Tacit's
-- reminders do, see docs/protocol.md), the request is answered at once and
-- vim.ui.select asks without blocking; the choice is then carried out here.
-- Otherwise the answer is whatever vim.ui.select returned synchronously (the
-- built-in one does), or null.
function M.message_request(params, client_id)
  local actions = params.actions or {}
  local self_contained = #actions > 0
  for _, a in ipairs(actions) do
    if type(a.command) ~= 'table' and type(a.location) ~= 'table' then
      self_contained = false
    end
  end
  local opts = {
    prompt = params.message,
    format_item = function(a)
      return a.title
    end,
    kind = 'tacit.message',
  }
  if self_contained then
    vim.schedule(function()
      vim.ui.select(actions, opts, function(choice)
        if choice then
          M.act(choice, client_id)
        end
      end)
    end)
    return vim.NIL
  end
  local chosen
  vim.ui.select(actions, opts, function(choice)
    chosen = choice
  end)
  return chosen or vim.NIL
end

-- Carries out a choice that says what it does.
function M.act(choice, client_id)
  if type(choice.location) == 'table' then
    M.jump(choice.location.uri, choice.location.range)
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)
  if not client or type(choice.command) ~= 'table' then
    return
  end
  lsp.request(client, 'workspace/executeCommand', {
    command = choice.command.command,
    arguments = choice.command.arguments,
  }, function(err)
    if err then
      notify(err.message, vim.log.levels.ERROR)
    else
      vim.api.nvim_exec_autocmds('User', { pattern = 'TacitAction', modeline = false })
    end
  end)
end

-- Shows a list of places: the quickfix list, or vim.ui.select (config.list).
-- `items` are quickfix items ({filename, lnum, text}).
function M.list(title, items)
  if #items == 0 then
    notify(title .. ': nothing')
    return
  end
  if config.values.list == 'select' then
    vim.ui.select(items, {
      prompt = title,
      format_item = function(item)
        return string.format('%s:%d  %s', vim.fn.fnamemodify(item.filename, ':.'), item.lnum, item.text)
      end,
    }, function(item)
      if item then
        vim.cmd('edit ' .. vim.fn.fnameescape(item.filename))
        vim.api.nvim_win_set_cursor(0, { math.max(item.lnum, 1), 0 })
      end
    end)
    return
  end
  vim.fn.setqflist({}, ' ', { title = title, items = items })
  vim.cmd('copen')
end

-- Text in a scratch buffer (an export, a report).
function M.scratch(name, lines, filetype)
  vim.cmd('new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, name)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  if filetype then
    vim.bo[buf].filetype = filetype
  end
  vim.bo[buf].modifiable = false
  return buf
end

return M
