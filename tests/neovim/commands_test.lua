-- :Tacit subcommands against the real server: a note on a visual range, a
-- lesson, a question ("asked before?" offered first), the thread verbs on the
-- thread under the cursor, the inbox and search in the quickfix list, and
-- bad input refused with one message and nothing stored.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

-- The user's answers to vim.ui.input and vim.ui.select, given asynchronously
-- as pickers such as dressing.nvim or telescope do.
local inputs, picks, prompts = {}, {}, {}
vim.ui.input = function(opts, done)
  table.insert(prompts, opts.prompt)
  local answer = table.remove(inputs, 1)
  vim.schedule(function()
    done(answer)
  end)
end
vim.ui.select = function(items, opts, done)
  table.insert(prompts, opts.prompt)
  local pick = table.remove(picks, 1)
  local chosen
  for i, item in ipairs(items) do
    if pick(opts.format_item and opts.format_item(item) or tostring(item), i) then
      chosen = item
      break
    end
  end
  vim.schedule(function()
    done(chosen)
  end)
end

local run = H.command

local function by_body(threads, body)
  for _, t in ipairs(threads) do
    if t.body == body then
      return t
    end
  end
end

H.run('commands', function()
  H.repo({ ['retry.go'] = {
    'package net',
    '',
    'func Retry(op func() error) error {',
    '	for i := 0; i < 3; i++ {',
    '		if err := op(); err == nil {',
    '			return nil',
    '		}',
    '	}',
    '	return ErrGaveUp',
    '}',
  } })
  -- An answered question from before, for "asked before?".
  local old = vim.trim(H.cli({ 'ask', 'retry.go:9', '--to', 'me@example.com', '-m', 'Why does Retry give up after three attempts?' }))
  H.cli({ 'answer', old, '-m', 'The upstream times out after three: more attempts never succeed.' })

  H.load_plugin()
  local buf = H.open('retry.go')

  -- A note on a visual selection of lines 3-4.
  table.insert(inputs, 'Retry is only for idempotent operations')
  vim.cmd('normal! 3GVj')
  vim.cmd('normal! \27')
  local mark = H.generation(buf)
  run("'<,'>Tacit note", 'note %x+ added')
  H.eq('Note: ', prompts[#prompts], 'the prompt')
  local note = by_body(H.cli_json({ 'list', '--json' }), 'Retry is only for idempotent operations')
  assert(note, 'the note is stored')
  H.eq({ 'note', 'retry.go', 3, 4 }, { note.kind, note.location.path, note.location.start_line, note.location.end_line }, 'the note')
  H.wait_update(buf, mark, 'the redraw after the note')
  H.contains(H.virtual_text(buf)[2], 'Retry is only for idempotent operations', 'the new note is drawn')

  -- A lesson on the cursor's line.
  table.insert(inputs, 'A closed channel here once hung the deploy')
  vim.api.nvim_win_set_cursor(0, { 5, 0 })
  run('Tacit lesson', 'lesson %x+ added')
  local lesson = by_body(H.cli_json({ 'list', '--json' }), 'A closed channel here once hung the deploy')
  H.eq({ 'lesson', 5, 5 }, { lesson.kind, lesson.location.start_line, lesson.location.end_line }, 'the lesson')

  -- A question like the answered one: "asked before?" is offered; reading the
  -- old answer sends nothing.
  local count = #H.cli_json({ 'list', '--json' })
  table.insert(inputs, 'Why does Retry give up after three attempts?')
  table.insert(picks, function(text)
    return text:find('upstream times out', 1, true) ~= nil
  end)
  vim.api.nvim_win_set_cursor(0, { 9, 0 })
  local wins = #vim.api.nvim_list_wins()
  vim.cmd('Tacit ask bob@example.com')
  H.wait('the old answer shown', function()
    return #vim.api.nvim_list_wins() > wins
  end)
  H.contains(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n'), 'more attempts never succeed', 'the old answer')
  H.contains(prompts[#prompts], 'Asked before?', 'the prompt')
  vim.cmd('close')
  H.eq(count, #H.cli_json({ 'list', '--json' }), 'threads after reading the old answer instead')

  -- Asked anyway, to Bob.
  table.insert(inputs, 'Should Retry back off between attempts?')
  table.insert(picks, function(text)
    return text == 'Ask anyway'
  end)
  mark = H.generation(buf)
  run('Tacit ask bob@example.com', 'question %x+ asked')
  H.wait_update(buf, mark, 'the redraw after the question')
  local q = by_body(H.cli_json({ 'list', '--json' }), 'Should Retry back off between attempts?')
  H.eq({ 'question', { 'bob@example.com' }, 9 }, { q.kind, q.assignees, q.location.start_line }, 'the question')
  H.eq('retry.go', q.location.path, 'its path')

  -- Thread verbs on the thread under the cursor (line 9 has two questions:
  -- the picker is asked which).
  local function pick_id(id)
    table.insert(picks, function(text)
      return text:find(id:sub(1, 8), 1, true) ~= nil
    end)
  end
  pick_id(q.id)
  run('Tacit ack', 'ack %x+: open')
  pick_id(q.id)
  table.insert(inputs, 'Yes: exponential, capped at 2 s')
  run('Tacit answer', 'answer %x+: answered')
  pick_id(q.id)
  run('Tacit resolve', 'resolve %x+: resolved')
  run('Tacit reopen ' .. q.id:sub(1, 8), 'reopen %x+: open')
  table.insert(inputs, 'Thanks!')
  run('Tacit reply ' .. q.id, 'reply %x+')
  local shown = H.cli_json({ 'show', q.id, '--json' })
  H.eq('open', shown.state, 'state after reopen')
  H.eq(1, #shown.acks, 'acks')
  H.eq({ 'answer', 'Yes: exponential, capped at 2 s' }, { shown.replies[1].kind, shown.replies[1].body }, 'the answer')
  H.eq({ 'reply', 'Thanks!' }, { shown.replies[2].kind, shown.replies[2].body }, 'the reply')

  -- Search: the quickfix list.
  vim.cmd('Tacit search idempotent')
  H.wait('the search results', function()
    return vim.fn.getqflist({ title = 0 }).title == 'Tacit search: idempotent'
  end)
  local qf = vim.fn.getqflist()
  H.eq(1, #qf, 'search hits')
  H.eq({ 3, H.root .. '/retry.go' }, { qf[1].lnum, vim.api.nvim_buf_get_name(qf[1].bufnr) }, 'the hit')
  vim.cmd('cclose')

  -- The inbox: Bob's open question for me, and mine to Bob that waits.
  H.cli({ 'ask', 'retry.go:6', '--to', 'bob@example.com', '-m', 'Who owns ErrGaveUp?' })
  H.sh({ 'git', '-C', H.root, 'config', 'user.email', 'bob@example.com' })
  H.cli({ 'ask', 'retry.go:1', '--to', 'me@example.com', '-m', 'Is net the right package name?' })
  H.sh({ 'git', '-C', H.root, 'config', 'user.email', 'me@example.com' })
  vim.cmd('Tacit inbox')
  H.wait('the inbox', function()
    return vim.fn.getqflist({ title = 0 }).title == 'Tacit inbox'
  end)
  local texts = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(texts, item.lnum .. ' ' .. item.text)
  end
  H.contains(table.concat(texts, '\n'), '1 for you: question', 'the inbox has the question for me')
  H.contains(table.concat(texts, '\n'), 'Is net the right package name?', 'the inbox has its text')
  H.contains(table.concat(texts, '\n'), '6 waiting: question', 'the inbox has mine waiting')
  vim.cmd('cclose')

  -- The report (tacit report --format json) in the quickfix list.
  vim.cmd('Tacit report --state unanswered')
  H.wait('the report', function()
    return vim.fn.getqflist({ title = 0 }).title:find('^Tacit report') ~= nil
  end)
  H.eq('Tacit report: 2 findings, 2 unanswered, 0 stale', vim.fn.getqflist({ title = 0 }).title, 'the report\'s title')
  texts = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(texts, item.lnum .. ' ' .. item.text)
  end
  H.contains(table.concat(texts, '\n'), 'Who owns ErrGaveUp?', 'the report lists the unanswered questions')
  vim.cmd('cclose')

  -- Bad input: one message, nothing stored.
  local before = H.cli({ 'list', '--json' })
  vim.cmd('Tacit frobnicate')
  H.contains(H.errors[1], 'unknown subcommand "frobnicate"', 'unknown subcommand')
  table.remove(H.errors)
  vim.cmd('Tacit ask not-an-email')
  H.contains(H.errors[1], 'expected email addresses', 'a bad recipient')
  table.remove(H.errors)
  table.insert(inputs, 'to nothing')
  vim.cmd('Tacit reply ffffffffffff')
  H.wait('the refusal', function()
    return #H.errors > 0
  end)
  H.contains(H.errors[1], 'unknown id', 'an unknown id')
  table.remove(H.errors)
  H.eq(before, H.cli({ 'list', '--json' }), 'nothing stored by bad input')

  -- The server's code action "Add note here": Neovim asks for the text.
  table.insert(picks, function(text)
    return text == 'Add note here'
  end)
  table.insert(inputs, 'From a code action')
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local before_action = #H.notes
  vim.lsp.buf.code_action()
  H.wait('the code action\'s note', function()
    return #H.notes > before_action or #H.errors > 0
  end)
  H.eq({}, H.errors, 'errors from the code action')
  local from_action = by_body(H.cli_json({ 'list', '--json' }), 'From a code action')
  assert(from_action, 'the note from the code action is stored')
  H.eq({ 'note', 1 }, { from_action.kind, from_action.location.start_line }, 'the code action\'s note')

  -- With list = 'select', lists go to vim.ui.select; a pick jumps there.
  require('tacit').setup({ list = 'select' })
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  table.insert(picks, function(text)
    return text:find('retry.go:3  ', 1, true) ~= nil
  end)
  vim.cmd('Tacit search idempotent')
  H.wait('the jump to the hit', function()
    return vim.api.nvim_win_get_cursor(0)[1] == 3
  end)
  H.contains(prompts[#prompts], 'Tacit search: idempotent', 'the picker')

  -- Completion.
  H.eq({ 'remind', 'reopen', 'reply', 'report', 'resolve' },
    vim.fn.getcompletion('Tacit re', 'cmdline'), 'completion of subcommands')
  H.eq({ 'next' }, vim.fn.getcompletion('Tacit walkthrough ne', 'cmdline'), 'completion of walkthrough verbs')
end)
