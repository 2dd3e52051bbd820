-- Which buffers get a server: one client per repository (root = its top
-- level), none outside a work tree or for a scratch buffer; the binary from
-- the `binary` option when it is not on $PATH, and one clear warning when
-- it is nowhere.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

H.run('attach', function()
  local other = H.repo({ ['b.txt'] = { 'other repository' } })
  local first = H.repo({ ['a.txt'] = { 'alpha' }, ['sub/dir/c.txt'] = { 'gamma' } })
  local outside = vim.fn.tempname() .. '-plain'
  vim.fn.mkdir(outside, 'p')
  vim.fn.writefile({ 'not in git' }, outside .. '/d.txt')

  -- Not on $PATH: nothing attaches, and the user is told once.
  H.load_plugin({ off_path = true })
  vim.cmd('edit ' .. first .. '/a.txt')
  vim.cmd('edit ' .. first .. '/sub/dir/c.txt')
  local warnings = vim.tbl_filter(function(n)
    return n.msg:find('is not an executable', 1, true) ~= nil
  end, H.notes)
  H.eq(1, #warnings, 'warnings about the missing binary')
  H.contains(warnings[1].msg, 'tacit: "tacit" is not an executable (set it with require("tacit").setup{ binary =', 'the warning')
  H.eq(nil, require('tacit.lsp').client(0), 'no client without a binary')

  -- The option: buffers attach, one client for the whole repository.
  require('tacit').setup({ binary = H.tacit })
  local lsp = require('tacit.lsp')
  H.wait('the buffers opened before setup to attach', function()
    return lsp.client(vim.fn.bufnr(first .. '/a.txt')) ~= nil and lsp.client(vim.fn.bufnr(first .. '/sub/dir/c.txt')) ~= nil
  end)
  local a = lsp.client(vim.fn.bufnr(first .. '/a.txt'))
  local c = lsp.client(vim.fn.bufnr(first .. '/sub/dir/c.txt'))
  H.eq(a.id, c.id, 'one client per repository')
  H.eq(first, a.config.root_dir, 'rooted at the top level')
  H.eq(H.tacit, a.config.cmd[1], 'started from the option')

  vim.cmd('edit ' .. other .. '/b.txt')
  H.wait('the other repository\'s client', function()
    return lsp.client(0) ~= nil
  end)
  H.eq(other, lsp.client(0).config.root_dir, 'another repository, another client')
  assert(lsp.client(0).id ~= a.id)

  -- Outside a work tree, and a scratch buffer: nothing.
  vim.cmd('edit ' .. outside .. '/d.txt')
  vim.cmd('enew')
  vim.bo.buftype = 'nofile'
  H.eq({ nil, 'not a file' }, { require('tacit').attach(0) }, 'a scratch buffer')
  H.eq({ nil, 'not inside a git work tree' }, { require('tacit').attach(vim.fn.bufnr(outside .. '/d.txt')) }, 'outside')
  H.eq(nil, lsp.client(vim.fn.bufnr(outside .. '/d.txt')), 'no client outside a work tree')
  local names = {}
  for _, client in ipairs(vim.lsp.get_active_clients()) do
    table.insert(names, client.config.root_dir)
  end
  table.sort(names)
  local want = { first, other }
  table.sort(want)
  H.eq(want, names, 'clients running')
end)
