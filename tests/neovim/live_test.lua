-- The drawing follows the code and the knowledge: an edit above a note moves
-- its virtual text with the code (and the server agrees once asked again,
-- unsaved); another process adds a note and it appears without reopening
-- the file; `:Tacit sync` pushes it all to the remote.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

H.run('live', function()
  local lines = {}
  for i = 1, 30 do
    lines[i] = string.format('line %d of the parser', i)
  end
  H.repo({ ['parser.c'] = lines })
  H.cli({ 'note', 'add', 'parser.c:10-11', '-m', 'Keep the lookahead at one token' })

  H.load_plugin()
  local buf = H.open('parser.c')
  H.eq({ [9] = '✎ 1  Me: Keep the lookahead at one token' }, H.virtual_text(buf), 'before the edit')
  H.wait('the lens', function()
    return H.lenses(buf)[9] ~= nil
  end)

  -- Three lines inserted above: the extmark moves with the code at once...
  local mark = H.generation(buf)
  vim.api.nvim_buf_set_lines(buf, 2, 2, false, { 'new a', 'new b', 'new c' })
  H.eq({ 12 }, vim.tbl_keys(H.virtual_text(buf)), 'the virtual text right after the edit')
  -- ...and after the debounced refresh the server, which shifted its ranges
  -- through the unsaved edit, puts it at the same place, lens too.
  H.wait_update(buf, mark, 'the refresh after the edit')
  H.eq({ [12] = '✎ 1  Me: Keep the lookahead at one token' }, H.virtual_text(buf), 'after the refresh')
  H.wait('the lens to move', function()
    return H.lenses(buf)[12] == '1 note'
  end)
  H.eq(13, require('tacit').state(buf).threads[1].range.start.line + 1, 'the server\'s line (1-based)')
  H.eq(true, vim.bo[buf].modified, 'the buffer is still unsaved')

  -- Another process adds a note: it is drawn without reopening the file
  -- (the server notices the refs moved and sends tacit/didChange).
  mark = H.generation(buf)
  H.cli({ 'note', 'add', 'parser.c:20', '-m', 'Error recovery starts here' })
  H.wait('the other process\'s note', function()
    return H.virtual_text(buf)[19 + 3] ~= nil
  end)
  H.eq('✎ 1  Me: Error recovery starts here', H.virtual_text(buf)[22], 'the new note, on the edited text (line 20 + 3)')
  H.wait_update(buf, mark, 'the lenses after the other process\'s note')
  H.eq('1 note', H.lenses(buf)[22], 'its lens')

  -- Saving keeps everything in place.
  mark = H.generation(buf)
  vim.cmd('write')
  H.wait_update(buf, mark, 'the refresh after saving')
  H.eq({ [12] = '✎ 1  Me: Keep the lookahead at one token', [22] = '✎ 1  Me: Error recovery starts here' },
    H.virtual_text(buf), 'after saving')

  -- :Tacit sync pushes the knowledge to the repository's remote (real git).
  local remote = vim.fn.tempname() .. '-remote.git'
  H.sh({ 'git', 'init', '-q', '--bare', remote })
  H.sh({ 'git', '-C', H.root, 'remote', 'add', 'origin', remote })
  local synced = false
  vim.api.nvim_create_autocmd('User', { pattern = 'TacitSync', once = true, callback = function()
    synced = true
  end })
  vim.cmd('Tacit sync')
  H.wait(':Tacit sync', function()
    return synced or #H.errors > 0
  end)
  H.eq({}, H.errors, 'sync errors')
  local refs = H.sh({ 'git', '-C', remote, 'for-each-ref', '--format=%(refname)', 'refs/tacit/' })
  H.contains(refs, 'refs/tacit/v1/replicas/', 'the remote has the replica ref')
end)

