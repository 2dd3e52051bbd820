-- Reminders that fell due while no editor ran are asked about when the
-- server starts, through vim.ui.select (asynchronous, as dressing.nvim or
-- telescope are): "Snooze 10 min" reschedules one, "Open" jumps to
-- another's lines; a due reminder is also an Information diagnostic until
-- it is snoozed. The clock is injected (TACIT_NOW), for the CLI and the
-- server alike.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

-- The prompts, answered when the test says (the user takes their time).
local asked = {}
vim.ui.select = function(items, opts, done)
  local titles = {}
  for _, item in ipairs(items) do
    table.insert(titles, opts.format_item(item))
  end
  table.insert(asked, { prompt = opts.prompt, titles = titles, choose = function(want)
    for i, title in ipairs(titles) do
      if title == want then
        return done(items[i])
      end
    end
    error('no choice ' .. want)
  end })
end

H.run('reminder', function()
  H.repo({
    ['cache.py'] = { 'import functools', '', '@functools.lru_cache(maxsize=None)', 'def load(key):', '    return fetch(key)' },
    ['docs/notes.txt'] = { 'one', 'two', 'three', 'four' },
  })
  local before = { TACIT_NOW = '2026-11-30T09:00:00Z' }
  local note = vim.trim(H.cli({ 'note', 'add', 'cache.py:3-4', '-m', 'Unbounded cache: fine while keys are few' }, before))
  local cache = vim.trim(H.cli({ 'remind', note, '--in', '10m', '-m', 'Check the cache size in prod' }, before))
  local other = vim.trim(H.cli({ 'remind', 'docs/notes.txt:3', '--in', '15m', '-m', 'Update the notes' }, before))

  -- The editor starts at 09:20: both fell due while nothing ran.
  vim.env.TACIT_NOW = '2026-11-30T09:20:00Z'
  H.load_plugin()
  local actions = 0
  vim.api.nvim_create_autocmd('User', { pattern = 'TacitAction', callback = function()
    actions = actions + 1
  end })
  local buf = H.open('cache.py')

  -- The cache reminder is a diagnostic on the note's lines...
  H.wait('the reminder\'s diagnostic', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'reminders' then
        return true
      end
    end
  end)
  -- ...and both were asked about, with their actions.
  H.wait('both prompts', function()
    return #asked == 2
  end)
  table.sort(asked, function(a, b)
    return a.prompt < b.prompt
  end)
  H.eq({ 'Reminder: Check the cache size in prod — cache.py:3 (“Unbounded cache: fine while keys are few”)',
    { 'Open', 'Snooze 10 min', 'Done' } }, { asked[1].prompt, asked[1].titles }, 'the cache reminder\'s prompt')
  H.eq('Reminder: Update the notes — docs/notes.txt:3', asked[2].prompt, 'the other prompt')
  -- The editor was not held while the user decided: the server answered.
  local text = H.request(buf, 'tacit/documentText', { textDocument = { uri = vim.uri_from_bufnr(buf) } }).text
  H.contains(text, 'lru_cache', 'the server\'s answer while the prompts are open')
  asked[1].choose('Snooze 10 min')

  -- "Snooze 10 min" ran tacit.snooze: due again at 09:30, the diagnostic gone.
  H.wait('the snooze', function()
    return actions == 1
  end)
  local pending = H.cli_json({ 'reminders', '--json' }, { TACIT_NOW = '2026-11-30T09:20:00Z' })
  local by_id = {}
  for _, r in ipairs(pending) do
    by_id[r.id] = r
  end
  H.eq({ '2026-11-30T09:30:00.000Z', 1 }, { by_id[cache].dueAt, by_id[cache].snoozes }, 'the snoozed reminder')
  H.eq({ '2026-11-30T09:15:00.000Z', 0 }, { by_id[other].dueAt, by_id[other].snoozes }, 'the other, untouched')
  H.wait('the diagnostic to clear', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == 'reminders' then
        return false
      end
    end
    return true
  end)

  -- "Open" jumps to the other reminder's lines.
  asked[2].choose('Open')
  H.wait('the jump', function()
    return vim.api.nvim_buf_get_name(0) == H.root .. '/docs/notes.txt'
  end)
  H.eq(3, vim.api.nvim_win_get_cursor(0)[1], 'the line opened')
end)
