-- :Tacit {subcommand} — every action of the server, with completion.
-- Ranges come from the command's range (visual mode), texts from
-- vim.ui.input, lists go to the quickfix list or vim.ui.select.
local lsp = require('tacit.lsp')
local ui = require('tacit.ui')

local M = {}

local notify = ui.notify

local function sorted_keys(t)
  local keys = vim.tbl_keys(t)
  table.sort(keys)
  return keys
end
local function fail(msg)
  notify(msg, vim.log.levels.ERROR)
end

-- The tacit client of the current buffer; `nil` (and a message) without.
local function client_here()
  local client = lsp.client(0)
  if not client then
    fail('this buffer is not attached: open a file inside a git work tree (:checkhealth tacit)')
  end
  return client
end

local function any_client()
  local client = lsp.any_client()
  if not client then
    fail('no tacit server is running: open a file inside a git work tree (:checkhealth tacit)')
  end
  return client
end

-- Runs a command; `done(result)` on success, a message on error.
local function execute(client, command, argument, done)
  lsp.execute(client, command, argument, function(err, result)
    if err then
      return fail(err.message)
    end
    if done then
      done(result)
    end
  end, vim.api.nvim_get_current_buf())
end

-- Asks for a text; `done(text)` only for a non-blank answer.
local function input(prompt, done)
  vim.ui.input({ prompt = prompt }, function(text)
    if text and text:match('%S') then
      done(text)
    end
  end)
end

local function short(id)
  return (id or ''):sub(1, 8)
end

-- The threads of the current buffer on the cursor's line.
local function threads_at_cursor()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  local out = {}
  for _, t in ipairs(ui.state(0).threads) do
    if t.range.start.line <= line and line < math.max(t.range['end'].line, t.range.start.line + 1) then
      table.insert(out, t)
    end
  end
  return out
end

-- `done(item.id)` for the one item of `items`, else for the one the user
-- picks.
local function pick_id(items, prompt, format, done)
  if #items == 1 then
    return done(items[1].id)
  end
  vim.ui.select(items, { prompt = prompt, format_item = format }, function(item)
    if item then
      done(item.id)
    end
  end)
end

-- The thread an action is about: the id given, else the one under the cursor
-- (asking which when there are several); `filter(t)` narrows the choice.
local function with_thread(args, filter, done)
  if args[1] then
    return done(args[1])
  end
  local here = vim.tbl_filter(filter or function()
    return true
  end, threads_at_cursor())
  if #here == 0 then
    return fail('no thread here: put the cursor on an anchored line or give an id')
  end
  pick_id(here, 'Which thread?', function(t)
    return string.format('%s %s: %s', t.kind, short(t.id), t.title)
  end, done)
end

-- The 0-based inclusive lines of the command's range (the cursor's line
-- without one).
local function lines(opts)
  if opts.range and opts.range > 0 then
    return opts.line1 - 1, opts.line2 - 1
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  return line, line
end

-- The lines (of the document as the editor has it) a command with `opts`'
-- range is about, as the server's commands take them.
local function place(opts)
  local first, last = lines(opts)
  return { uri = vim.uri_from_bufnr(0), startLine = first, endLine = last }
end

-- The client and the place; nil without a client.
local function target(opts)
  local client = client_here()
  if not client then
    return nil
  end
  return client, place(opts)
end

local function refreshed()
  ui.refresh(vim.api.nvim_get_current_buf())
end

local function add_note(opts, lesson)
  local client, at = target(opts)
  if not client then
    return
  end
  input(lesson and 'Lesson: ' or 'Note: ', function(body)
    execute(client, 'tacit.addNote', vim.tbl_extend('force', at, { body = body, lesson = lesson or nil,
      private = opts.private or nil }), function(result)
      notify(string.format('%s %s added', lesson and 'lesson' or 'note', short(result.id)))
      refreshed()
    end)
  end)
end

local ask_at

-- :Tacit ask [EMAIL…] [--private] [--send-at TIME…]
local function ask(opts, args)
  local client, at = target(opts)
  if not client then
    return
  end
  local to, send_at, private = {}, nil, nil
  for i, a in ipairs(args) do
    if a == '--send-at' then
      send_at = table.concat(vim.list_slice(args, i + 1), ' ')
      break
    elseif a == '--private' then
      private = true
    elseif a:find('@') then
      table.insert(to, a)
    else
      return fail(string.format('ask: expected email addresses, --private or --send-at TIME, got %q', a))
    end
  end
  ask_at(client, vim.tbl_extend('force', at, { to = #to > 0 and to or nil, sendAt = send_at, private = private }))
end

-- Asks for the question's text, offers "asked before?", then sends
-- tacit.ask with `argument` (its place, recipients…) and the text.
function ask_at(client, argument)
  input('Question: ', function(body)
    local function send()
      execute(client, 'tacit.ask', vim.tbl_extend('force', argument, { body = body }), function(result)
        notify(result.sendAt and string.format('question %s will be sent at %s', short(result.id), result.sendAt)
          or string.format('question %s asked', short(result.id)))
        refreshed()
      end)
    end
    -- "Asked before?": answered questions like this one, before it is sent.
    -- (A failure to look is no reason not to ask.)
    lsp.execute(client, 'tacit.similarQuestions', { text = body }, function(err, similar)
      if err or type(similar) ~= 'table' or #similar == 0 then
        return send()
      end
      local choices = { { ask = true } }
      vim.list_extend(choices, similar)
      vim.ui.select(choices, {
        prompt = 'Asked before? Pick one to read its answer, or ask anyway',
        format_item = function(c)
          if c.ask then
            return 'Ask anyway'
          end
          local answer = c.answer ~= vim.NIL and c.answer or '(resolved)'
          return string.format('%s — %s', vim.split(c.body, '\n')[1], vim.split(answer or '', '\n')[1])
        end,
      }, function(c)
        if not c then
          return
        end
        if c.ask then
          return send()
        end
        local answer = c.answer ~= vim.NIL and c.answer or '(no answer text)'
        local text = vim.list_extend({ '# ' .. vim.split(c.body, '\n')[1], '' }, vim.split(answer, '\n'))
        table.insert(text, '')
        table.insert(text, 'tacit show ' .. short(c.id))
        ui.scratch('tacit://answer/' .. c.id, text, 'markdown')
      end)
    end)
  end)
end

-- reply / answer: a body; ack / resolve / reopen: none.
local function thread_verb(verb, needs_body, filter)
  return function(_, args)
    local client = client_here()
    if not client then
      return
    end
    with_thread(args, filter, function(id)
      local function run(body)
        execute(client, 'tacit.' .. verb, { id = id, body = body }, function(thread)
          notify(string.format('%s %s: %s', verb, short(thread.id), thread.state))
          refreshed()
        end)
      end
      if needs_body then
        input(verb:gsub('^%l', string.upper) .. ': ', run)
      else
        run(nil)
      end
    end)
  end
end

local function is_question(t)
  return t.kind == 'question'
end

-- "10m", "1h30m", "2d": a duration; anything else is a time.
local function is_duration(s)
  return s ~= nil and s:match('^%d+[smhdw]') ~= nil and s:match('^[%dsmhdw]+$') ~= nil
end

-- :[range]Tacit remind {DURATION [TEXT…] | at TIME…}
local function remind(opts, args)
  local client, at = target(opts)
  if not client then
    return
  end
  local function run(when_args)
    local argument
    if is_duration(when_args[1]) then
      argument = { ['in'] = when_args[1], text = #when_args > 1 and table.concat(vim.list_slice(when_args, 2), ' ') or nil }
    else
      local at = when_args[1] == 'at' and vim.list_slice(when_args, 2) or when_args
      argument = { at = table.concat(at, ' ') }
    end
    -- On the thread under the cursor when there is exactly one, else on the lines.
    local here = threads_at_cursor()
    if #here == 1 and not (opts.range and opts.range > 0) then
      argument.thread = here[1].id
    else
      argument = vim.tbl_extend('force', argument, at)
    end
    execute(client, 'tacit.remind', argument, function(r)
      notify(string.format('reminder %s due %s', short(r.id), r.dueAt))
    end)
  end
  if #args > 0 then
    return run(args)
  end
  input('Remind me in (10m, 2h) or at (tomorrow 09:00): ', function(text)
    run(vim.split(vim.trim(text), '%s+'))
  end)
end

-- The reminder an action is about: a reminder's diagnostic on the cursor's
-- line, else one picked from the pending reminders.
local function with_reminder(client, id, done)
  if id then
    return done(id)
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  for _, d in ipairs(vim.diagnostic.get(0)) do
    -- Its lines: an end at column 0 is the start of the line after.
    local last = d.end_lnum or d.lnum
    if d.end_col == 0 and last > d.lnum then
      last = last - 1
    end
    if d.source == 'reminders' and d.code and d.lnum <= line and line <= last then
      return done(tostring(d.code))
    end
  end
  execute(client, 'tacit.reminders', vim.empty_dict(), function(reminders)
    if type(reminders) ~= 'table' or #reminders == 0 then
      return notify('no pending reminders')
    end
    vim.ui.select(reminders, {
      prompt = 'Which reminder?',
      format_item = function(r)
        local where = type(r.location) == 'table' and (r.location.path .. ':' .. r.location.startLine) or ''
        return string.format('%s  %s  %s', r.dueAt, r.text ~= vim.NIL and r.text or '', where)
      end,
    }, function(r)
      if r then
        done(r.id)
      end
    end)
  end)
end

-- :Tacit snooze [ID] [DURATION | at TIME…]
local function snooze(_, args)
  local client = any_client()
  if not client then
    return
  end
  local id
  -- A reminder id is hex (at least 4 digits); anything else is when.
  if args[1] and args[1]:match('^%x%x%x%x+$') and not is_duration(args[1]) then
    id = table.remove(args, 1)
  end
  with_reminder(client, id, function(rid)
    local argument = { id = rid }
    if is_duration(args[1]) then
      argument['in'] = args[1]
    elseif args[1] then
      argument.at = table.concat(args[1] == 'at' and vim.list_slice(args, 2) or args, ' ')
    end
    execute(client, 'tacit.snooze', argument, function(r)
      notify(string.format('reminder %s snoozed until %s', short(r.id), r.dueAt))
    end)
  end)
end

local function done_reminder(_, args)
  local client = any_client()
  if not client then
    return
  end
  with_reminder(client, args[1], function(rid)
    execute(client, 'tacit.done', { id = rid }, function(r)
      notify(string.format('reminder %s done', short(r.id)))
    end)
  end)
end

local function root_of_client(client)
  return client.config.root_dir
end

-- A thread as `tacit show --json` prints it, as a quickfix item.
local function thread_item(root, t, prefix)
  local loc = type(t.location) == 'table' and t.location or {}
  return {
    filename = loc.path and (root .. '/' .. loc.path) or root,
    lnum = loc.start_line or 1,
    end_lnum = loc.end_line,
    text = string.format('%s%s %s: %s', prefix, t.kind or 'thread', short(t.id), vim.split(t.body or '', '\n')[1]),
  }
end

local function inbox(_, args)
  local client = any_client()
  if not client then
    return
  end
  local root = root_of_client(client)
  lsp.request(client, 'tacit/inbox', { since = args[1] or '7d' }, function(err, box)
    if err then
      return fail(err.message)
    end
    local items = {}
    for _, t in ipairs(box.for_me or {}) do
      table.insert(items, thread_item(root, t, 'for you: '))
    end
    for _, t in ipairs(box.waiting or {}) do
      table.insert(items, thread_item(root, t, 'waiting: '))
    end
    for _, r in ipairs(box.reminders or {}) do
      local loc = type(r.location) == 'table' and r.location or {}
      table.insert(items, {
        filename = loc.path and (root .. '/' .. loc.path) or root,
        lnum = loc.startLine or 1,
        text = 'reminder: ' .. ((r.text and r.text ~= vim.NIL and r.text ~= '') and r.text or short(r.id)),
      })
    end
    for _, n in ipairs(box.news or {}) do
      local item = thread_item(root, n.thread, n.what .. ' by ' .. (n.by and n.by.name or '?') .. ' on ')
      if n.body and n.body ~= vim.NIL then
        item.text = item.text .. ' — ' .. vim.split(n.body, '\n')[1]
      end
      table.insert(items, item)
    end
    ui.list('Tacit inbox', items)
  end)
end

local function search(_, args)
  local client = any_client()
  if not client then
    return
  end
  local query = table.concat(args, ' ')
  if query == '' then
    return fail('search: give the words to look for, as in :Tacit search retry timeout')
  end
  lsp.request(client, 'workspace/symbol', { query = query }, function(err, symbols)
    if err then
      return fail(err.message)
    end
    local items = {}
    for _, s in ipairs(symbols or {}) do
      table.insert(items, {
        filename = vim.uri_to_fname(s.location.uri),
        lnum = s.location.range.start.line + 1,
        text = (s.containerName and (s.containerName .. ': ') or '') .. s.name,
      })
    end
    ui.list('Tacit search: ' .. query, items)
  end)
end

-- Walkthroughs: list, play [ID [CHAPTER]], next, previous, create TITLE,
-- add (a chapter on the range), export [ID].
local current_walkthrough

local function pick_walkthrough(client, id, done)
  if id then
    return done(id)
  end
  execute(client, 'tacit.walkthrough.list', vim.empty_dict(), function(list)
    if type(list) ~= 'table' or #list == 0 then
      return notify('no walkthroughs yet: :Tacit walkthrough create TITLE')
    end
    pick_id(list, 'Walkthrough', function(w)
      return string.format('%s (%d chapters)', w.title, w.chapter_count)
    end, done)
  end)
end

local function played(result)
  current_walkthrough = result.walkthrough
  if not result.shown and result.uri and result.status ~= 'orphaned' then
    ui.jump(result.uri, result.range)
  end
  notify(string.format('%s · %d/%d: %s', result.title, result.chapter, result.of, vim.split(result.text or '', '\n')[1]))
end

local walkthrough_verbs = {
  list = function(client)
    pick_walkthrough(client, nil, function(id)
      execute(client, 'tacit.walkthrough.play', { walkthrough = id }, played)
    end)
  end,
  play = function(client, args)
    pick_walkthrough(client, args[1], function(id)
      execute(client, 'tacit.walkthrough.play', { walkthrough = id, chapter = tonumber(args[2]) or args[2] }, played)
    end)
  end,
  next = function(client)
    if not current_walkthrough then
      return fail('no walkthrough is playing: :Tacit walkthrough play')
    end
    execute(client, 'tacit.walkthrough.next', { walkthrough = current_walkthrough }, played)
  end,
  previous = function(client)
    if not current_walkthrough then
      return fail('no walkthrough is playing: :Tacit walkthrough play')
    end
    execute(client, 'tacit.walkthrough.previous', { walkthrough = current_walkthrough }, played)
  end,
  create = function(client, args)
    local title = table.concat(args, ' ')
    if title == '' then
      return fail('walkthrough create: give a title')
    end
    execute(client, 'tacit.walkthrough.create', { title = title }, function(w)
      current_walkthrough = w.id
      notify(string.format('walkthrough %s created: add chapters with :Tacit walkthrough add', short(w.id)))
    end)
  end,
  add = function(client, args, opts)
    local at = place(opts)
    pick_walkthrough(client, args[1] or current_walkthrough, function(id)
      input('Chapter: ', function(body)
        execute(client, 'tacit.walkthrough.addChapter', vim.tbl_extend('force', at, { walkthrough = id, body = body }),
          function(r)
          current_walkthrough = r.walkthrough
          notify(string.format('chapter %d of %d added', r.chapter, r.of))
          refreshed()
        end)
      end)
    end)
  end,
  export = function(client, args)
    pick_walkthrough(client, args[1] or current_walkthrough, function(id)
      execute(client, 'tacit.walkthrough.export', { walkthrough = id }, function(r)
        ui.scratch('tacit://walkthrough/' .. id, vim.split(r.markdown, '\n'), 'markdown')
      end)
    end)
  end,
}

local function walkthrough(opts, args)
  local client = any_client()
  if not client then
    return
  end
  local verb = table.remove(args, 1) or 'list'
  local run = walkthrough_verbs[verb]
  if not run then
    return fail(string.format('walkthrough: unknown subcommand %q (%s)', verb,
      table.concat(sorted_keys(walkthrough_verbs), ', ')))
  end
  run(client, args, opts)
end

-- Runs `tacit ARGS` in the repository; `done(stdout_lines)` when it succeeds.
local function run_cli(args, done)
  local bin, why = lsp.binary()
  if not bin then
    return fail(why)
  end
  local client = lsp.any_client()
  local root = client and root_of_client(client) or lsp.root_of(vim.fn.getcwd())
  if not root then
    return fail('not inside a git work tree')
  end
  local out, err = {}, {}
  local cmd = vim.list_extend({ bin }, args)
  local job = vim.fn.jobstart(cmd, {
    cwd = root,
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data)
      out = data
    end,
    on_stderr = function(_, data)
      err = data
    end,
    on_exit = function(_, code)
      if out[#out] == '' then
        table.remove(out)
      end
      done(code, out, vim.tbl_filter(function(l)
        return l ~= ''
      end, err))
    end,
  })
  if job <= 0 then
    fail('could not run ' .. bin)
  end
end

local function sync(_, args)
  local cli = { 'sync' }
  if args[1] then
    vim.list_extend(cli, { '--remote', args[1] })
  end
  notify('syncing…')
  run_cli(cli, function(code, out, err)
    if code ~= 0 then
      return fail('sync failed: ' .. table.concat(err, ' '))
    end
    notify(table.concat(vim.list_extend(out, err), ' '))
    vim.api.nvim_exec_autocmds('User', { pattern = 'TacitSync', modeline = false })
  end)
end

-- :Tacit report [OPTIONS…] — `tacit report` (docs/ci.md) as a list.
local function report(_, args)
  local cli = vim.list_extend({ 'report', '--format', 'json' }, args)
  run_cli(cli, function(code, out, err)
    if code == 2 then
      return fail('report: ' .. table.concat(err, ' '))
    end
    local ok, decoded = pcall(vim.fn.json_decode, table.concat(out, '\n'))
    if not ok or type(decoded) ~= 'table' then
      return fail('report: could not read its output')
    end
    local client = lsp.any_client()
    local root = client and root_of_client(client) or lsp.root_of(vim.fn.getcwd())
    local items = {}
    for _, f in ipairs(decoded.findings or {}) do
      local item = thread_item(root, f, f.rule .. ': ')
      item.type = f.fails and 'E' or 'W'
      table.insert(items, item)
    end
    local s = decoded.summary or {}
    ui.list(string.format('Tacit report: %d findings, %d unanswered, %d stale', s.findings or 0,
      s.unanswered or 0, s.stale or 0), items)
  end)
end

-- The server's code actions and lenses whose commands need the editor: a
-- text to ask for (the server cannot prompt), a walkthrough to follow.
-- Neovim runs vim.lsp.commands[...] instead of sending them as they are.
local function with_body(prompt)
  return function(command, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local argument = vim.deepcopy((command.arguments or {})[1] or {})
    if not client then
      return
    end
    local function run(body)
      argument.body = body
      execute(client, command.command, argument, function(result)
        notify(string.format('%s: %s', command.title or command.command, short(result.id)))
        refreshed()
      end)
    end
    if argument.body then
      return run(argument.body)
    end
    input(type(prompt) == 'function' and prompt(argument) or prompt, run)
  end
end

local function playing(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    execute(client, command.command, (command.arguments or {})[1] or vim.empty_dict(), played)
  end
end

M.client_commands = {
  ['tacit.addNote'] = with_body(function(argument)
    return argument.lesson and 'Lesson: ' or 'Note: '
  end),
  ['tacit.ask'] = function(command, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local argument = vim.deepcopy((command.arguments or {})[1] or {})
    if client and argument.body then
      return execute(client, 'tacit.ask', argument, refreshed)
    end
    if client then
      ask_at(client, argument)
    end
  end,
  ['tacit.walkthrough.addChapter'] = with_body('Chapter: '),
  ['tacit.walkthrough.play'] = playing,
  ['tacit.walkthrough.next'] = playing,
  ['tacit.walkthrough.previous'] = playing,
}

-- Registers them (once a client attaches).
function M.register_client_commands()
  for name, fn in pairs(M.client_commands) do
    vim.lsp.commands[name] = fn
  end
end

M.subcommands = {
  note = function(opts)
    add_note(opts, false)
  end,
  lesson = function(opts)
    add_note(opts, true)
  end,
  ask = ask,
  reply = thread_verb('reply', true),
  answer = thread_verb('answer', true, is_question),
  ack = thread_verb('ack', false, is_question),
  resolve = thread_verb('resolve', false),
  reopen = thread_verb('reopen', false),
  remind = remind,
  snooze = snooze,
  done = done_reminder,
  inbox = inbox,
  search = search,
  walkthrough = walkthrough,
  sync = sync,
  report = report,
}

function M.run(opts)
  local args = vim.deepcopy(opts.fargs or {})
  local name = table.remove(args, 1)
  if not name then
    return fail('usage: :Tacit {' .. table.concat(M.names(), '|') .. '} …')
  end
  local sub = M.subcommands[name]
  if not sub then
    return fail(string.format('unknown subcommand %q (one of: %s)', name, table.concat(M.names(), ', ')))
  end
  if name == 'note' or name == 'lesson' then
    -- :Tacit note --private
    opts.private = vim.tbl_contains(args, '--private')
  end
  sub(opts, args)
end

function M.names()
  return sorted_keys(M.subcommands)
end

function M.complete(arglead, cmdline, _)
  local rest = cmdline:gsub('^%S*Tacit!?%s*', '')
  local words = vim.split(rest, '%s+')
  local candidates
  if #words <= 1 then
    candidates = M.names()
  elseif words[1] == 'walkthrough' and #words == 2 then
    candidates = sorted_keys(walkthrough_verbs)
  elseif words[1] == 'report' then
    candidates = { '--state', '--older-than', '--changed-since', '--to', '--kind', '--fail-on', '--fetch',
      '--stale-after', '--window' }
  elseif words[1] == 'ask' then
    candidates = { '--private', '--send-at' }
  elseif words[1] == 'note' or words[1] == 'lesson' then
    candidates = { '--private' }
  else
    candidates = {}
  end
  return vim.tbl_filter(function(c)
    return c:sub(1, #arglead) == arglead
  end, candidates)
end

return M
