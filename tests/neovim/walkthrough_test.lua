-- :Tacit walkthrough (create, add chapters on visual ranges, play, next,
-- previous, export) and :Tacit remind / snooze / done, checked with the CLI.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

local inputs = {}
vim.ui.input = function(_, done)
  local answer = table.remove(inputs, 1)
  vim.schedule(function()
    done(answer)
  end)
end

local run = H.command

H.run('walkthrough', function()
  H.repo({
    ['server/main.go'] = { 'package main', '', 'func main() {', '	cfg := load()', '	serve(cfg)', '}' },
    ['server/serve.go'] = { 'package main', '', 'func serve(cfg Config) {', '	listen(cfg.Addr)', '}' },
  })
  H.load_plugin()
  H.open('server/main.go')

  run('Tacit walkthrough create How a request is served', 'walkthrough %x+ created')
  table.insert(inputs, 'Start here: the config is loaded once')
  vim.cmd('normal! 4GVj\27')
  run("'<,'>Tacit walkthrough add", 'chapter 1 of 1 added')
  H.open('server/serve.go')
  table.insert(inputs, 'Then it listens')
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  run('Tacit walkthrough add', 'chapter 2 of 2 added')

  local list = H.cli_json({ 'walkthrough', 'list', '--json' })
  H.eq({ 'How a request is served', 2 }, { list[1].title, list[1].chapter_count }, 'the walkthrough')

  -- Playing jumps to each chapter (window/showDocument from the server).
  vim.cmd('edit ' .. vim.fn.fnameescape(H.root .. '/server/serve.go'))
  H.contains(run('Tacit walkthrough play', '1/2'), 'Start here', 'chapter 1')
  H.eq({ H.root .. '/server/main.go', 4 }, { vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0)[1] }, 'at chapter 1')
  H.contains(run('Tacit walkthrough next', '2/2'), 'Then it listens', 'chapter 2')
  H.eq({ H.root .. '/server/serve.go', 4 }, { vim.api.nvim_buf_get_name(0), vim.api.nvim_win_get_cursor(0)[1] }, 'at chapter 2')
  run('Tacit walkthrough previous', '1/2')
  H.eq(H.root .. '/server/main.go', vim.api.nvim_buf_get_name(0), 'back at chapter 1')

  -- The chapter's lens plays it through the plugin (which then knows the
  -- walkthrough for :Tacit walkthrough next).
  vim.ui.select = function(items, opts, done)
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      if title:find('Walkthrough: How a request is served', 1, true) then
        return vim.schedule(function()
          done(item)
        end)
      end
    end
    error('no walkthrough lens among ' .. vim.inspect(items))
  end
  local main = vim.api.nvim_get_current_buf()
  H.wait('the walkthrough lens', function()
    for _, text in pairs(H.lenses(main)) do
      if text:find('Walkthrough:', 1, true) then
        return true
      end
    end
  end)
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  local before = #H.notes
  vim.lsp.codelens.run()
  H.wait('the lens to play chapter 1', function()
    for i = before + 1, #H.notes do
      if H.notes[i].msg:find('1/2: Start here', 1, true) then
        return true
      end
    end
    return #H.errors > 0
  end)
  H.eq({}, H.errors, 'errors from the lens')

  -- Export: Markdown with the code as it is now.
  local wins = #vim.api.nvim_list_wins()
  vim.cmd('Tacit walkthrough export')
  H.wait('the export', function()
    return #vim.api.nvim_list_wins() > wins
  end)
  local md = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  H.contains(md, '# How a request is served', 'the export')
  H.contains(md, '	cfg := load()', 'the export has the code')
  vim.cmd('close')

  -- Remind: on the thread under the cursor (the chapter's note).
  vim.cmd('edit ' .. vim.fn.fnameescape(H.root .. '/server/main.go'))
  H.wait('the chapter note drawn', function()
    return #require('tacit').state(0).threads == 1
  end)
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  local msg = run('Tacit remind 10m Read it again', 'reminder %x+ due')
  local id = msg:match('reminder (%x+) due')
  local r = H.cli_json({ 'reminders', '--json' })[1]
  H.eq({ 'Read it again', true }, { r.text, r.id:sub(1, #id) == id }, 'the reminder')
  H.eq(require('tacit').state(0).threads[1].id, r.thread, 'on the thread under the cursor')
  run('Tacit snooze ' .. id .. ' 2h', 'snoozed until')
  H.eq(1, H.cli_json({ 'reminders', '--json' })[1].snoozes, 'snoozed once')
  run('Tacit done ' .. id, 'reminder %x+ done')
  H.eq({}, H.cli_json({ 'reminders', '--json' }), 'no pending reminders')
  -- A reminder on lines, with a time.
  vim.cmd('normal! 5GV\27')
  run("'<,'>Tacit remind at tomorrow 09:00", 'reminder %x+ due')
  r = H.cli_json({ 'reminders', '--json' })[1]
  H.eq({ 'server/main.go', 5 }, { r.location.path, r.location.startLine }, 'the reminder on lines')
end)
